"""The HTTP API: Starlette routes over the intake and the read models."""
