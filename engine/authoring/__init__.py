"""Process owners' work: drafts, versions and moving cases between versions."""
