"""Provider adapters: one sub-package per provider, the contract in `base`."""
