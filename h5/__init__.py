"""The citizens' H5 shell inside WeChat: home page and page-wide settings (长辈模式)."""
