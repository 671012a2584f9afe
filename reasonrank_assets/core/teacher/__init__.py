"""Stage 2, the teacher: its settings (settings), the answer cache (cache), the OpenAI-compatible and
local backends (backends), the two tasks as stage functions (tasks), batch files (batch).

This is where the money goes (a 70B teacher over ~100K pairs), so:
- every answer is stored in `AnswerCache` the moment it arrives, keyed by a hash of (model, prompt
  version, task, messages, sampling settings): a re-run with nothing new makes zero calls, and a
  killed run loses at most the calls in flight (the re-run asks them again: a server that had
  finished one bills it twice);
- failures are rows with an error or a parse status, never label 0 and never an exception that
  throws away the answers already paid for.

Backends: any OpenAI-compatible endpoint through the `openai` async client (vLLM, SGLang,
llama.cpp server, Ollama, hosted APIs), and a local transformers model with batched generation.
The API key is read from the environment variable named in the config; it never enters a row,
a log line or a cache key.
"""
