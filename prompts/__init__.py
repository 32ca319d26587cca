"""The CodeRun prompt templates, shipped in the wheel as ``healer_agent.prompts``."""
