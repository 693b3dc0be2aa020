"""Rasa input channels: Twilio SMS and WhatsApp, Telegram, and the web chat for the NHS App.

Every connector authenticates a request before anything else, processes a redelivered message once,
and hands Rasa a pseudonym (channels.pseudonym) instead of the phone number or chat id.
"""
