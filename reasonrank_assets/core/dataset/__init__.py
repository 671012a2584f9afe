"""Stage 3, the dataset: candidate (question, page) pairs, and the training set built from the
teacher's answers (splits, decontamination, leakage checks)."""
