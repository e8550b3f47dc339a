"""Personal data encrypted at rest: a data key per case (AES-256-GCM), wrapped by a master key
from the configuration (docs/data-protection.md)."""
