"""Contact preferences: how, when and in which language a person wants to hear from us, and the
channels they asked us to stop. `portal/notify/rules.py` is where every sender honours them."""
