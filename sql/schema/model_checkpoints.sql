-- One row per trained student checkpoint (SFT or refinement), from the run's manifest.json.
CREATE TABLE model_checkpoints (
    checkpoint_id        VARCHAR PRIMARY KEY, -- fingerprint of the run's inputs, settings and code version
    stage                VARCHAR NOT NULL,    -- 'sft' or 'refine'
    method               VARCHAR NOT NULL,    -- 'sft', 'grpo' or 'reward_weighted'
    base_model           VARCHAR NOT NULL,    -- the student's base model (hub id, directory or offline alias)
    init_checkpoint      VARCHAR,             -- refinement: the SFT checkpoint it started from; NULL for SFT
    training_set_version VARCHAR NOT NULL,    -- content hash of the training_examples rows used
    n_examples           INTEGER NOT NULL,    -- training items seen (SFT rows, GRPO prompts or weighted answers)
    checkpoint           VARCHAR NOT NULL,    -- directory to load with AutoModelForCausalLM.from_pretrained
    adapter              VARCHAR,             -- LoRA adapter directory; NULL for full fine-tuning
    weights              VARCHAR NOT NULL,    -- 'lora' or 'full'
    merged               BOOLEAN NOT NULL,    -- whether checkpoint holds the LoRA merged into its base
    code_version         VARCHAR NOT NULL,    -- training code version (training.CODE_VERSION)
    created_at           VARCHAR NOT NULL,    -- ISO-8601 UTC time the manifest was written
    config               JSON NOT NULL,       -- every training setting (SFTSettings / RefineSettings)
    metrics              JSON NOT NULL        -- losses, steps, runtime, resume point, loss_curve and reward_curve lists
);
