"""When the debtor disagrees: the validation information page, disputes and their evidence,
and the collector commands that list and resolve them."""
