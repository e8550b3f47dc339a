"""First responders: start a referral, follow their agency's referrals."""

from web.referrals.routes import referrals

__all__ = ["referrals"]
