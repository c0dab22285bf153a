"""The debtor's pages after the identity check: the overview of what is owed and what to do."""
