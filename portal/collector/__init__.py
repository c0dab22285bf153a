"""What collectors do: import accounts, issue and revoke links, read the timeline."""
