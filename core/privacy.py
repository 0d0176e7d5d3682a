"""How personal data may appear in logs and pages (PIPL): masked."""


def mask_openid(openid: str) -> str:
    keep = 4 if len(openid) >= 12 else 1
    return f"{openid[:keep]}****{openid[-keep:]}"


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234 (exports, analysts, a phone not yet revealed); short values → ****."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "****"
