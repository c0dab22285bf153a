"""One file per schema revision, named by date so they sort."""
