"""The places' and the organisations' routers, mounted by gongzhi/api.py."""
