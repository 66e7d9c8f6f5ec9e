"""The browser extension's server side: its download, and opening a provider's site signed
in as one of the user's accounts."""
