"""The WeChat protocol adapter: webhook, outbound API, H5 identity. Knows nothing of FAQs or tickets."""
