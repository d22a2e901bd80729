"""Real-looking Chinese names for synthetic people and organisations (never real persons)."""

from __future__ import annotations

import random

# Common surnames roughly by frequency (百家姓 as people actually carry them today).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰华建国志红玉梅飞鹏辉玲萍燕丹宇浩凯俊文博晨欣怡婷雪琳"
    "佳悦子轩涵梓睿昊然思彤雨欣诗琪嘉豪晓东海波春林峰斌亮宁瑞婷倩颖慧琴云莉蓉"
)
ESTATE_WORDS = ("锦绣", "华府", "翠苑", "桂园", "兰庭", "花园", "新城", "雅居", "名都", "蓝湾", "府邸", "丽景")
SOCIAL_ORG_WORDS = ("邻里互助会", "银龄志愿服务队", "亲子阅读会", "书画协会", "环保志愿队", "睦邻调解室")
PROPERTY_WORDS = ("物业服务有限公司", "物业管理有限公司")


def person_name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return surname + given


def estate_name(rng: random.Random, place: str) -> str:
    return place.removesuffix("社区").removesuffix("村") + rng.choice(ESTATE_WORDS)


def social_org_name(rng: random.Random, community: str) -> str:
    return community + rng.choice(SOCIAL_ORG_WORDS)


def property_manager_name(rng: random.Random, city: str) -> str:
    return city.removesuffix("市") + rng.choice(("锦城", "天府", "蓉城", "嘉诚", "安居", "恒信")) + rng.choice(PROPERTY_WORDS)
