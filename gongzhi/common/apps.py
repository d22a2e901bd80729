from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "gongzhi.common"
    label = "common"
