"""A held-out set for the kinds added in round 3 (room-level home addresses, passports, WeChat and QQ ids, card
numbers that fail the Luhn check after a card word, ID numbers with a wrong check digit or an impossible date after
身份证), and for what must stay next to them.

Written in one go before the rules for these kinds were written, by the same writer as the rules, and never used
to tune them: ``bench.bench_privacy`` reports it apart from tests/triage/pii_cases.py (the tuning set). It may not
represent: spoken forms (rooms or ids read aloud in a call), addresses written in other conventions than
栋/单元/号楼/室 (3-2-501, 甲1号), travel documents other than passports, and real message styles; every value is
fake. Markers as in pii_cases (``[[KIND:value]]``)."""

from __future__ import annotations

from tests.triage.pii_cases import ID_CHENGDU, ID_QINGDAO, Case, case, failing_luhn, grouped, with_luhn

_CARD_BOCOM_19 = with_luhn("622260000011112222")
_CARD_PSBC_19 = with_luhn("621799100020003000")

_PLANTED = (
    # room-level home addresses: the room goes, the building and the unit stay
    "我住在幸福家园7栋[[ROOM:1503室]]，楼上每天半夜拖椅子。",
    "家住东湖花园12栋2单元[[ROOM:602]]，卫生间漏水到楼下。",
    "锦绣小区4号楼3单元[[ROOM:201室]]的住户在楼道堆放杂物。",
    "我是滨江苑9幢[[ROOM:1101]]的业主，开发商延期交房。",
    "地址：A3区望月路88号阳光城5栋[[ROOM:2302]]。",
    "市民：我家是2号楼1单元[[ROOM:402]]，暖气一直不热。",
    "B座[[ROOM:1806室]]的租户养了很多狗，整天叫。",
    "住址：K1区青松路6号院3号楼[[ROOM:506]]",
    "我住11栋[[ROOM:903]]，楼下烧烤店油烟直接灌进来。",
    "6幢2单元[[ROOM:301室]]装修噪音从早到晚。",
    "房间号[[ROOM:1207]]，酒店拒绝退押金。",
    "我们是1栋[[ROOM:1702室]]和1栋[[ROOM:1802室]]，两户都被淹了。",
    # passports and travel documents
    "我的护照号是[[PASSPORT:E23456789]]，签证办理进度查不到。",
    "护照号码：[[PASSPORT:G12345678]]，出入境记录有误。",
    "外籍人员护照[[PASSPORT:EA1234567]]，办理居留许可被拒。",
    "孩子护照号[[PASSPORT:E98765432]]过期了，补办要多久？",
    "护照 [[PASSPORT:E11223344]] 丢失，需要开报失证明。",
    # WeChat and QQ ids
    "加我微信[[WECHAT:li_hua2026]]，我把照片发给你。",
    "微信号：[[WECHAT:zhangwei_88]]，有问题可以联系。",
    "我的微信是[[WECHAT:Xiaoyu-1990]]，请工作人员加一下。",
    "卖家微信号[[WECHAT:shop_abc123]]，收钱后就拉黑了。",
    "VX：[[WECHAT:wangfang0308]]，白天回复慢。",
    "QQ号[[QQ:987654321]]，群里有人冒充老师收费。",
    "我的QQ是[[QQ:1234567890]]，截图可以发过来。",
    "对方QQ：[[QQ:55667788]]，骗走了我三千元。",
    "qq [[QQ:20261125]]，联系我。",
    # card numbers after a card word, failing the Luhn check (a slip or a misheard digit)
    f"银行卡号[[BANK_CARD:{failing_luhn(_CARD_BOCOM_19)}]]，补贴没发下来。",
    f"退款账号：[[BANK_CARD:{grouped(failing_luhn(_CARD_PSBC_19))}]]，开户行邮储银行。",
    f"我的工资卡[[BANK_CARD:{failing_luhn(_CARD_PSBC_19)}]]被冻结了。",
    f"信用卡卡号是[[BANK_CARD:{failing_luhn(_CARD_BOCOM_19)}]]，被盗刷。",
    # ID numbers after 身份证 whatever their check digit or date
    f"身份证号[[ID_CARD:{ID_CHENGDU[:17]}{'0' if ID_CHENGDU[17] != '0' else '1'}]]，补办社保卡。",
    "身份证号码：[[ID_CARD:430102198513450012]]，系统提示格式不对。",
    f"身份证：[[ID_CARD:{ID_QINGDAO[:14]} {ID_QINGDAO[14:]}]]",
    # several kinds together
    "我叫[[NAME:周敏]]，住春晖苑3栋2单元[[ROOM:1401室]]，微信[[WECHAT:zhoumin_77]]。",
    "联系人：[[NAME:吴]]先生，QQ号[[QQ:76543210]]，护照号[[PASSPORT:E13572468]]。",
)

HELD_OUT_PLANTED: tuple[Case, ...] = tuple(case(text) for text in _PLANTED)

# Places of problems, public buildings, routes, amounts and codes next to the new kinds: nothing to mask.
HELD_OUT_UNTOUCHED: tuple[str, ...] = (
    "5号楼电梯坏了三天，没人来修。",
    "A3区书院路12号门口的井盖丢了。",
    "小区3栋楼下的垃圾没人清理。",
    "2单元门口的路灯不亮。",
    "住在6楼，水压太低。",
    "图书馆三楼302阅览室空调不开。",
    "市政府大楼东门常年堵车。",
    "教学楼302教室的投影仪坏了。",
    "1102路公交车一个小时才来一班。",
    "302国道A3区段路面塌陷。",
    "8栋2023年交房，至今没有办产权证。",
    "5栋120平米的房子，物业费每月360元。",
    "这个小区3栋共有120户。",
    "12号院东侧的围墙倒了。",
    "G1234次列车晚点三个小时。",
    "关注微信公众号查询办理进度。",
    "微信群里通知停水，老人看不到。",
    "用微信支付了300元，没开发票。",
    "QQ群里发的通知没人看。",
    "扫码后显示订单号E2026112500，退款没到。",
    "卡里还有1500元余额退不出来。",
    "银行卡被吞了，工作人员说要三个工作日。",
    "账号被盗了，联系不上客服。",
    "会议定在8月12日上午9点，在3号楼201会议室。",
    "护照办理需要多长时间？",
    "身份证丢了去哪里补办？",
    "房价从每平8000元涨到12000元。",
    "B2栋地下车库积水1.5米。",
    "3号楼1单元楼道的灯坏了。",
    "2号楼前的空地被人占了停车。",
)
