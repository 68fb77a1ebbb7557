"""Case services: ``common`` (the engine), ``objections``, ``repairs``, ``complaints``."""
