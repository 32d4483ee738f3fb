"""Fixed vocabulary of the demo: real district department names, fictional deputies and
realistic titles. Everything here is deterministic so the demo is the same on every machine."""

# (name, kind) — real names of Jing'an district departments and street offices.
DEPARTMENTS = [
    ("区发展改革委", "bureau"),
    ("区教育局", "bureau"),
    ("区科委", "bureau"),
    ("区民政局", "bureau"),
    ("区司法局", "bureau"),
    ("区财政局", "bureau"),
    ("区人力资源社会保障局", "bureau"),
    ("区规划资源局", "bureau"),
    ("区生态环境局", "bureau"),
    ("区建设管理委", "bureau"),
    ("区房管局", "bureau"),
    ("区绿化市容局", "bureau"),
    ("区卫生健康委", "bureau"),
    ("区文化旅游局", "bureau"),
    ("区体育局", "bureau"),
    ("区市场监管局", "bureau"),
    ("区商务委", "bureau"),
    ("区应急管理局", "bureau"),
    ("区退役军人局", "bureau"),
    ("区城管执法局", "bureau"),
    ("区民防办", "bureau"),
    ("区数据局", "bureau"),
    ("区公安分局", "bureau"),
    ("区交警支队", "bureau"),
    ("南京西路街道", "street"),
    ("静安寺街道", "street"),
    ("江宁路街道", "street"),
    ("石门二路街道", "street"),
    ("曹家渡街道", "street"),
    ("天目西路街道", "street"),
    ("北站街道", "street"),
    ("宝山路街道", "street"),
    ("芷江西路街道", "street"),
    ("共和新路街道", "street"),
    ("大宁路街道", "street"),
    ("彭浦新村街道", "street"),
    ("临汾路街道", "street"),
    ("彭浦镇", "street"),
]

STREETS = [d for d, kind in DEPARTMENTS if kind == "street"]

# Demo logins (DESIGN §6). All share the password below.
DEMO_PASSWORD = "Jingan-2023"
DEMO_USERS = [
    # username, last name, first name, role, department
    ("office", "王", "静", "office", None),
    ("supervisor", "陈", "督", "supervisor", None),
    ("fangguan", "李", "房", "handler", "区房管局"),
    ("lvhua", "张", "绿", "handler", "区绿化市容局"),
    ("jianguan", "赵", "建", "handler", "区建设管理委"),
    # 三员分立 (DESIGN §1, §13)
    ("sysadmin", "钱", "系", "sysadmin", None),
    ("secadmin", "孙", "安", "secadmin", None),
    ("auditor", "周", "审", "auditor", None),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方邹孟熊秦邱江尹薛闫段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = [
    "建华",
    "秀英",
    "伟民",
    "丽娟",
    "志强",
    "海燕",
    "文彬",
    "晓红",
    "国庆",
    "雪梅",
    "立新",
    "玉兰",
    "振宇",
    "慧敏",
    "永康",
    "佳怡",
    "德明",
    "静雯",
    "国平",
    "亚萍",
    "明辉",
    "晓峰",
    "春燕",
    "建军",
    "爱华",
    "卫东",
    "美玲",
    "俊杰",
    "红霞",
    "宏伟",
    "思远",
    "嘉颖",
    "鸿飞",
    "丽萍",
    "敏华",
    "晨曦",
    "泽民",
    "婉清",
    "天翔",
    "雅琴",
]

# Subjects by lead department: (department, topic, subject phrases).
SUBJECTS = [
    (
        "区房管局",
        "housing",
        [
            "老旧小区加装电梯",
            "旧住房成套改造",
            "小区物业服务质量",
            "老旧小区屋面渗漏修缮",
            "小区二次供水设施改造",
            "保障性租赁住房供给",
            "历史风貌建筑保护修缮",
            "小区非机动车集中充电设施",
            "售后公房维修资金使用",
            "里弄房屋煤卫改造",
        ],
    ),
    (
        "区绿化市容局",
        "environment",
        [
            "口袋公园建设",
            "沿街绿化景观提升",
            "生活垃圾分类投放点改造",
            "道路保洁作业",
            "街心花园养护",
            "沿街商铺招牌设置",
            "公共厕所布局",
            "行道树修剪",
        ],
    ),
    (
        "区建设管理委",
        "urban_construction",
        [
            "道路积水点改造",
            "人行道平整修缮",
            "架空线入地和杆箱整治",
            "公共停车泊位挖潜",
            "非机动车停放秩序",
            "慢行交通系统建设",
            "道路照明设施",
            "市政道路大修",
        ],
    ),
    (
        "区卫生健康委",
        "health",
        [
            "社区卫生服务中心服务能力",
            "家庭医生签约服务",
            "老年人慢性病健康管理",
            "社区心理健康服务",
            "儿童预防接种服务",
            "医疗机构就诊便利",
        ],
    ),
    (
        "区民政局",
        "elderly",
        [
            "社区嵌入式养老服务设施",
            "老年助餐服务点",
            "认知障碍照护床位",
            "居家养老服务",
            "困难群众帮扶救助",
            "社区综合为老服务中心",
        ],
    ),
    (
        "区教育局",
        "education",
        [
            "中小学校周边交通安全",
            "小学生课后托管服务",
            "托育和学前教育资源",
            "学校体育场地向社会开放",
            "青少年心理健康教育",
        ],
    ),
    (
        "区文化旅游局",
        "culture_sports",
        [
            "社区文化活动中心功能",
            "公共图书馆延时开放",
            "红色文化资源保护利用",
            "夜间文旅消费",
        ],
    ),
    (
        "区体育局",
        "culture_sports",
        [
            "市民健身步道建设",
            "社区公共运动场",
            "全民健身设施更新",
            "体育赛事惠民",
        ],
    ),
    (
        "区生态环境局",
        "environment",
        [
            "餐饮油烟污染治理",
            "社会生活噪声治理",
            "河道水环境治理",
        ],
    ),
    (
        "区市场监管局",
        "economy",
        [
            "标准化菜市场食品安全",
            "电梯维保质量监管",
            "老字号品牌保护",
        ],
    ),
    (
        "区交警支队",
        "transport",
        [
            "交通信号灯配时优化",
            "路口交通组织",
            "学校门口临时停车",
        ],
    ),
    (
        "区城管执法局",
        "social_governance",
        [
            "无序设摊整治",
            "违法建筑治理",
            "夜间施工扰民",
        ],
    ),
    (
        "区人力资源社会保障局",
        "economy",
        [
            "高校毕业生就业服务",
            "灵活就业人员社保服务",
            "社区就业援助",
        ],
    ),
    (
        "区商务委",
        "economy",
        [
            "一刻钟便民生活圈",
            "社区商业网点布局",
            "首发经济发展",
        ],
    ),
    (
        "区应急管理局",
        "social_governance",
        [
            "社区应急避难场所",
            "高层住宅消防安全",
            "电动自行车火灾防范",
        ],
    ),
]

VERBS = ["加快推进", "进一步加强", "优化", "完善", "加大", "提升", "规范", "推动"]

# Titles the reference report names; each plays the role DESIGN §6 gives it.
UPGRADED_TITLES = [
    ("关于增加上海老旧小区消防栓设施的建议", "区房管局", "social_governance", "in_progress"),
    (
        "关于增加区域体育面积，满足市民日益增长的健身需求的建议",
        "区体育局",
        "culture_sports",
        "planned",
    ),
]
SPOT_CHECKED_TITLES = [
    ("关于进一步加强苏州河沿岸环境保护的建议", "区生态环境局", "environment"),
    ("关于完善公共文化服务供给，加强线上文化配送的建议", "区文化旅游局", "culture_sports"),
]
UNSATISFIED_TITLE = ("关于加快彭浦新村地区旧住房成套改造进度的建议", "区房管局", "housing")

REPLY_TEXT = {
    "resolved": "经研究，我单位已会同相关部门落实代表建议所提事项，相关问题已经解决。"
    "下一步将持续做好日常管理，巩固办理成效。",
    "in_progress": "代表所提建议已列入我单位年度重点工作，目前正在推进实施，"
    "预计年内完成，届时将及时向代表反馈进展。",
    "planned": "代表所提建议具有较强的针对性，我单位已将其纳入下一年度工作计划，"
    "将在资金和规划落实后组织实施。",
    "for_reference": "代表所提建议受现行政策和客观条件限制，目前暂不具备实施条件，"
    "我单位将在今后工作中认真研究参考。",
}
