"""The platform-neutral core: roadmap, drafts, lint, conversation flow, store and service."""
