"""Signing in to the admin: the password, then a second factor, with throttling.

- ``policy``: who must pass the second factor (every staff member when DEBUG is off).
- ``admin_site``: the admin site, open only to staff signed in as the policy requires, whose
  login is the sign-in below.
- ``views`` and ``forms``: the sign-in (django-two-factor-auth's wizard: password, then the code
  of an authenticator app or a recovery code), setting up the authenticator app, and the page
  of recovery codes, in the admin's look.
- ``lockout``: django-axes' throttling, per username and address and per address, and its page.
"""
