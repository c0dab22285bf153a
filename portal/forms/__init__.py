"""The form kit: WTForms base classes, fields and checks that every feature's forms build on."""
