"""The LLM: one client for OpenAI-compatible endpoints (``client``), versioned prompts (``prompts/``) and the
pure code that builds requests and validates answers (``drafting``, ``answering``). Configured by
LLM_BASE_URL, LLM_MODEL and LLM_API_KEY; without LLM_BASE_URL the system runs on the classical pipeline."""
