"""Signed links of the subscription e-mails (django.core.signing; no account, no cookie).

- confirm: a row's id, valid SUBSCRIPTION_CONFIRM_SECONDS (the request lapses after that);
- manage: the address's keyed hash (never the address: links end up in access logs);
- unsubscribe: a row's id, for the one-click link of RFC 8058 (does not expire).
"""

from django.conf import settings
from django.core import signing

CONFIRM, MANAGE, UNSUBSCRIBE = "subscriptions.confirm", "subscriptions.manage", "subscriptions.unsubscribe"


class Expired(Exception):
    pass


class Invalid(Exception):
    pass


def make(salt, value):
    return signing.dumps(value, salt=salt, compress=False)


def read(salt, token, max_age=None):
    """The signed value; Expired for a good signature past ``max_age``, Invalid for anything else."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise Expired from error
    except signing.BadSignature as error:
        raise Invalid from error


def confirm_token(subscription):
    return make(CONFIRM, subscription.pk)


def read_confirm_token(token):
    return read(CONFIRM, token, max_age=settings.SUBSCRIPTION_CONFIRM_SECONDS)


def manage_token(address_key):
    return make(MANAGE, address_key)


def read_manage_token(token):
    return read(MANAGE, token)


def unsubscribe_token(subscription):
    return make(UNSUBSCRIBE, subscription.pk)


def read_unsubscribe_token(token):
    return read(UNSUBSCRIBE, token)
