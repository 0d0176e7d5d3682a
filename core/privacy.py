"""How personal data may appear in logs and pages (PIPL): masked."""


def mask_openid(openid: str) -> str:
    keep = 4 if len(openid) >= 12 else 1
    return f"{openid[:keep]}****{openid[-keep:]}"
