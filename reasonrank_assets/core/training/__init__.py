"""Stage 4, the student: settings, run bookkeeping, SFT distillation, rollouts, refinement
(GRPO or reward-weighted), and the rewards. The layout of a training run's output is in `runs`."""
