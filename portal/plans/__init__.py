"""Options within the creditor's limits: part payments, settlements, instalment plans, and collecting them."""
