"""The only way out to a person: email now, SMS later, with the contact rules applied here."""
