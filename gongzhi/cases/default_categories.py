"""The categories a new installation starts with (大类 › 小类), after the event classification
that city governance centres use (城市管理、环境卫生、矛盾纠纷、安全隐患、民生服务 …): each leaf
(code, name, default level, handle limit in working days). Accept and dispatch limits take the
model's defaults (2 and 4 working hours); urgent safety matters are handled in hours."""

H, WH, WD = "hours", "work_hours", "work_days"

# (top code, top name, [(leaf code, leaf name, level, handle limit, unit)])
TREE = [
    ("city_management", "城市管理", [
        ("street_vending", "占道经营", "community", 1, WD),
        ("illegal_parking", "乱停乱放", "community", 1, WD),
        ("illegal_advertising", "违规广告招牌", "subdistrict", 5, WD),
        ("illegal_construction", "违法建设", "subdistrict", 10, WD),
        ("road_damage", "道路破损", "district", 5, WD),
        ("manhole_cover", "井盖缺失破损", "district", 4, H),
        ("street_light", "路灯不亮", "district", 3, WD),
    ]),
    ("sanitation", "环境卫生", [
        ("garbage_pileup", "垃圾堆放", "grid", 1, WD),
        ("garbage_overflow", "垃圾桶满溢", "grid", 8, WH),
        ("dirty_street", "道路不洁", "community", 1, WD),
        ("public_toilet", "公厕问题", "subdistrict", 2, WD),
        ("sewage_overflow", "污水外溢", "district", 8, WH),
        ("construction_dust", "施工扬尘", "district", 3, WD),
        ("noise", "噪声扰民", "subdistrict", 2, WD),
    ]),
    ("disputes", "矛盾纠纷", [
        ("neighbour_dispute", "邻里纠纷", "community", 5, WD),
        ("family_dispute", "婚姻家庭纠纷", "community", 5, WD),
        ("property_dispute", "物业纠纷", "community", 7, WD),
        ("labour_dispute", "劳资纠纷", "subdistrict", 10, WD),
        ("land_dispute", "土地房屋纠纷", "subdistrict", 15, WD),
        ("consumer_dispute", "消费纠纷", "subdistrict", 7, WD),
    ]),
    ("safety", "安全隐患", [
        ("fire_lane_blocked", "消防通道堵塞", "community", 4, H),
        ("ebike_charging", "电动车违规充电", "grid", 4, H),
        ("gas_hazard", "燃气安全隐患", "district", 2, H),
        ("dangerous_building", "房屋安全隐患", "subdistrict", 2, WD),
        ("hazardous_chemicals", "危化品隐患", "district", 4, H),
        ("elevator_fault", "电梯故障", "subdistrict", 8, H),
        ("trees_hazard", "树木倒伏隐患", "district", 1, WD),
    ]),
    ("livelihood", "民生服务", [
        ("low_income_consult", "低保咨询", "community", 3, WD),
        ("elderly_care", "养老服务", "community", 5, WD),
        ("disability_aid", "残疾人帮扶", "community", 5, WD),
        ("medical_insurance", "医保社保", "subdistrict", 5, WD),
        ("employment", "就业创业", "subdistrict", 5, WD),
        ("education_enrolment", "入学咨询", "district", 5, WD),
        ("certificate_request", "证明事项", "community", 2, WD),
    ]),
    ("public_utilities", "公用设施", [
        ("water_outage", "停水", "district", 8, WH),
        ("power_outage", "停电", "district", 8, WH),
        ("gas_outage", "停气", "district", 8, WH),
        ("heating_cooling", "设施损坏", "subdistrict", 3, WD),
        ("drain_blocked", "下水道堵塞", "subdistrict", 1, WD),
        ("bus_stop", "公交站点设施", "district", 5, WD),
    ]),
    ("market_regulation", "市场监管", [
        ("food_safety", "食品安全", "district", 3, WD),
        ("unlicensed_business", "无证经营", "subdistrict", 5, WD),
        ("price_fraud", "价格欺诈", "district", 5, WD),
        ("counterfeit", "假冒伪劣", "district", 7, WD),
        ("pharmacy", "药品经营", "district", 5, WD),
    ]),
    ("public_security", "社会治安", [
        ("suspicious_person", "可疑人员", "subdistrict", 4, H),
        ("gambling", "聚众赌博", "subdistrict", 1, WD),
        ("fraud_risk", "诈骗风险", "subdistrict", 1, WD),
        ("rental_registration", "出租房屋未登记", "community", 5, WD),
        ("floating_population", "流动人口未登记", "community", 5, WD),
        ("drug_clue", "涉毒线索", "district", 1, WD),
    ]),
    ("greening", "园林绿化", [
        ("damaged_greenery", "绿地损毁", "subdistrict", 5, WD),
        ("tree_pruning", "树木修剪", "district", 10, WD),
        ("park_facility", "公园设施损坏", "district", 5, WD),
        ("vegetable_planting", "毁绿种菜", "community", 3, WD),
    ]),
    ("property_management", "物业管理", [
        ("property_service", "物业服务质量", "community", 5, WD),
        ("maintenance_fund", "维修资金使用", "subdistrict", 10, WD),
        ("owners_committee", "业委会事务", "community", 10, WD),
        ("parking_management", "小区停车管理", "community", 5, WD),
        ("secondary_water_supply", "二次供水", "subdistrict", 3, WD),
    ]),
]
