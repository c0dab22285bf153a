"""Magic links: issuing, checking and revoking them, and the pages that open them and check identity."""
