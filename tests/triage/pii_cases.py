"""Hand-written hotline sentences with personal data planted in them, and sentences that must stay untouched.

A planted value is written in place as ``[[KIND:value]]``; ``case()`` removes the markers and records each
value's kind and offsets in the clean sentence. Every value is fake: phone numbers on the 0000 patterns of
documentation, ID numbers and bank cards built by the helpers below (their check digits computed here,
independently of the code under test), invented names.

Used by tests/triage/test_privacy.py and bench/bench_privacy.py."""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = (
    "MOBILE",
    "LANDLINE",
    "ID_CARD",
    "BANK_CARD",
    "EMAIL",
    "PLATE",
    "NAME",
    "BIRTH_DATE",
    "ROOM",
    "PASSPORT",
    "WECHAT",
    "QQ",
)


# --- fake values ------------------------------------------------------------------------------------------
def id_number(region: str, birth: str, sequence: str) -> str:
    """An 18-digit ID number with a correct ISO 7064 MOD 11-2 check character."""
    body = region + birth + sequence
    assert len(body) == 17 and body.isdigit(), body
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body))
    check = (12 - total % 11) % 11
    return body + ("X" if check == 10 else str(check))


def id_number_ending_in_x(region: str, birth: str) -> str:
    for n in range(1000):
        number = id_number(region, birth, f"{n:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives X")


def with_wrong_check_digit(number: str) -> str:
    """The same ID number with a check digit that does not fit (and that fails the Luhn check as well)."""
    for wrong in "0123456789":
        candidate = number[:17] + wrong
        if wrong != number[17] and not luhn_ok(candidate):
            return candidate
    raise AssertionError(number)


def luhn_ok(digits: str) -> bool:
    doubled = [int(d) * (2 if i % 2 else 1) for i, d in enumerate(reversed(digits))]
    return sum(d - 9 if d > 9 else d for d in doubled) % 10 == 0


def with_luhn(body: str) -> str:
    """The body and the one digit that makes the whole number pass the Luhn check."""
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


def failing_luhn(number: str) -> str:
    last = int(number[-1])
    return number[:-1] + str((last + 1) % 10)


def grouped(number: str, sep: str = " ") -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


def fullwidth(text: str) -> str:
    """ASCII digits, letters and punctuation as their full-width forms, spaces as the ideographic space."""
    return "".join("\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


ID_BEIJING = id_number("110105", "19800101", "123")
ID_CHANGSHA = id_number("430102", "19850314", "271")
ID_SHENZHEN_X = id_number_ending_in_x("440305", "19900520")
ID_NANJING = id_number("320106", "19620708", "045")
ID_CHENGDU = id_number("510107", "20010930", "318")
ID_HANGZHOU = id_number("330106", "19751224", "562")
ID_WUHAN_X = id_number_ending_in_x("420106", "19930615")
ID_QINGDAO = id_number("370202", "19581111", "009")
ID_OLD_CHANGSHA = "430102" + "850314" + "271"  # 15 digits: region, YYMMDD, sequence
ID_OLD_BEIJING = "110105" + "640229" + "036"  # 1964 was a leap year

CARD_ICBC_19 = with_luhn("622202020011223344")
CARD_CCB_16 = with_luhn("621700123400567")
CARD_ABC_18 = with_luhn("62284800112233445")
CARD_VISA_16 = with_luhn("436742000011112")
CARD_MASTER_16 = with_luhn("518700001111222")
CARD_CMB_19 = with_luhn("621483000011112222")
CARD_OLD_ICBC_19 = with_luhn("955880000111122223")
CARD_BOC_19 = with_luhn("621661000022223333")
CARD_UNIONPAY_16 = with_luhn("625900000033334")


# --- cases ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Planted:
    kind: str
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class Case:
    text: str
    planted: tuple[Planted, ...]


_MARK = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]")


def case(marked: str) -> Case:
    parts: list[str] = []
    planted: list[Planted] = []
    length = last = 0
    for m in _MARK.finditer(marked):
        kind, value = m.groups()
        assert kind in KINDS, kind
        before = marked[last : m.start()]
        parts += [before, value]
        start = length + len(before)
        planted.append(Planted(kind, start, start + len(value), value))
        length = start + len(value)
        last = m.end()
    parts.append(marked[last:])
    return Case("".join(parts), tuple(planted))


_PLANTED = (
    # mobile numbers: whole, 3-4-4 with spaces or hyphens, +86 / 86 / 0086, full-width, at the edges
    "市民来电反映小区夜间噪音扰民，联系电话[[MOBILE:13800138000]]。",
    "[[MOBILE:13900001111]]，这是我的手机号，请尽快回电。",
    "请工作人员联系我，我的手机是[[MOBILE:138-0013-8000]]",
    "电话：[[MOBILE:138 0013 8000]]，晚上八点以后方便接听。",
    "我的手机号码是[[MOBILE:+86 138 0013 8000]]，可以随时联系。",
    "联系方式[[MOBILE:+8613800138000]]（微信同号）。",
    "境外来电，号码[[MOBILE:0086-13900001111]]，反映在华居留证件办理问题。",
    "来电号码[[MOBILE:8615000002222]]，来电人称被拖欠工资。",
    f"手机：[[MOBILE:{fullwidth('13800138000')}]]，请核实。",
    f"手机号[[MOBILE:{fullwidth('186-0003-3333')}]]，麻烦尽快处理。",
    "市民：喂，你好，我电话是[[MOBILE:177 0000 4444]]，你记一下。",
    "坐席：请问您的联系方式？市民：[[MOBILE:19900005555]]。",
    "tel:[[MOBILE:13312340000]]",
    "Tel[[MOBILE:15000002222]]，物业一直不处理漏水。",
    "物业经理电话[[MOBILE:18800009999]]一直打不通，投诉物业不作为。",
    "微信[[MOBILE:14700006666]]，加我发现场照片。",
    "[[MOBILE:16600007777]]是我爱人的电话，也可以打这个。",
    "我的号码换了，新号码[[MOBILE:17800008888]]，旧号码[[MOBILE:13500001234]]停用了。",
    "施工方负责人（[[MOBILE:13700002345]]）说夜里必须赶工。",
    "请回电至[[MOBILE:(+86)13800138000]]。",
    "联系人电话：[[MOBILE:139-0000-1111]]；备用电话：[[MOBILE:158 0000 3333]]。",
    "电话号码为[[MOBILE:19100001212]]。",
    "号码是[[MOBILE:1390000 1111]]，白天都在。",
    f"联系电话：[[MOBILE:{fullwidth('139 0000 1111')}]]",
    "坐席：好的，我跟您核对一下号码，[[MOBILE:138 0013 8000]]对吗？市民：对的。",
    "他们的销售电话[[MOBILE:15100006789]]每天打来推销，严重骚扰。",
    "有人冒充社区工作人员用[[MOBILE:17000001234]]打电话要求转账。",
    "短信来自[[MOBILE:16200005678]]，内容是涉嫌诈骗的中奖信息。",
    "快递员[[MOBILE:16500001111]]态度恶劣，把包裹扔在楼下。",
    "联系我：[[MOBILE:13800138000]]/[[MOBILE:13900001111]]",
    "回访请打[[MOBILE:18900002222]]，白天上班不方便接。",
    "店主手机[[MOBILE:15300004321]]，店名叫好再来餐馆。",
    "小区门口张贴的开锁小广告[[MOBILE:18100007654]]，涉嫌非法经营。",
    "QQ号不方便给，手机[[MOBILE:13600009876]]。",
    "请[[MOBILE:13800138000]]的机主尽快把车挪走。",
    "车主留的挪车电话是[[MOBILE:19300001357]]，打了没人接。",
    "来电人手机 [[MOBILE:135 0000 2468]] 来电时间 2026年3月5日 09:12",
    "号码[[MOBILE:86-13800138000]]，境外漫游回拨。",
    "家长群里老师的手机[[MOBILE:15900000246]]，开学通知都发在群里。",
    "[[MOBILE:18700001122]]",
    "商户电话[[MOBILE:17300004455]]，卖的过期食品。",
    "请转告[[MOBILE:14500009900]]机主，车辆违停堵住消防通道。",
    "网约车司机电话[[MOBILE:19500003344]]，绕路多收费。",
    "我手机号码：[[MOBILE:15500006677]]。谢谢！",
    # landlines, extensions, 400/800 numbers, bare numbers after a phone cue
    "物业服务中心电话[[LANDLINE:0731-84567890]]，一直没人接听。",
    "社区居委会座机[[LANDLINE:(0731)88886666]]，工作日可打。",
    "请拨打[[LANDLINE:（0755）2666 0000]]咨询。",
    "街道办电话[[LANDLINE:010-62345678]]，找信访科。",
    "[[LANDLINE:021-55550000]]是他们公司的总机。",
    "联系电话：[[LANDLINE:0571-87650000转123]]",
    "学校办公室[[LANDLINE:0731-85551234-806]]，找教务处。",
    "售后热线[[LANDLINE:400-800-1234]]一直占线。",
    "客服[[LANDLINE:4008001234]]打了十几次都不解决。",
    "投诉到品牌总部[[LANDLINE:800-820-8820]]也没有回复。",
    "电话：[[LANDLINE:84561234]]（小区物业）",
    "座机[[LANDLINE:8456123]]，下午有人。",
    "拨打[[LANDLINE:2345678]]无人接听。",
    "致电[[LANDLINE:8888-6666]]询问办理进度，说还在审核。",
    "联系方式：[[MOBILE:13800138000]]、[[LANDLINE:84567890]]",
    "tel:[[LANDLINE:0731-8456 7890]]",
    "Phone: [[LANDLINE:020 38880000]]",
    f"电话[[LANDLINE:{fullwidth('0731-84567890')}]]",
    "举报电话[[LANDLINE:0731-84567890]]，举报人要求保密。",
    "燃气公司抢修电话[[LANDLINE:0731-85552222]]，闻到煤气味请马上打。",
    "区环保局[[LANDLINE:0731 8555 3333]]，反映搅拌站粉尘。",
    "市民称打了[[LANDLINE:（010）62345678]]转人工也没人接。",
    "电话号码[[LANDLINE:6234567]]，是老式座机。",
    "办公电话：[[LANDLINE:0755-26660000]]，传真：[[LANDLINE:0755-26660001]]。",
    "施工单位项目部[[LANDLINE:0731-82223333]]，晚上十点后仍在施工。",
    "打[[LANDLINE:028-85556666]]咨询社保转移。",
    "电话是[[LANDLINE:87654321]]，找教务处。",
    "请回拨座机[[LANDLINE:0371-65550000分机2]]",
    "phone [[LANDLINE:5556789]]",
    "医院总机[[LANDLINE:0731-84327000]]转不到病房。",
    "联系电话[[LANDLINE:0731-84567890]]或[[LANDLINE:84567891]]",
    "拨打了[[LANDLINE:0755 2666 0000]]，对方说不归他们管。",
    "驾校报名处电话[[LANDLINE:0731—84560000]]，退费一直拖着。",
    "供水公司（[[LANDLINE:0731-84112345]]）说明天恢复供水。",
    "电话：[[LANDLINE:400 600 8888]]",
    "物业电话：[[LANDLINE:84567890]]，[[LANDLINE:84567891]]，都打不通。",
    # 18-digit IDs (X and x), spaced 6-8-4, full-width; 15-digit old IDs after 身份证
    f"身份证号[[ID_CARD:{ID_BEIJING}]]，户籍在A3区。",
    f"我的身份证号码是[[ID_CARD:{ID_CHANGSHA}]]，社保卡一直办不下来。",
    f"[[ID_CARD:{ID_SHENZHEN_X}]]是我母亲的身份证号。",
    f"身份证：[[ID_CARD:{ID_SHENZHEN_X.lower()}]]",
    f"身份证号码：[[ID_CARD:{ID_NANJING}]]，姓名：[[NAME:张国华]]",
    f"证件号[[ID_CARD:{ID_CHENGDU}]]，学生学籍转不过来。",
    f"身份证号 [[ID_CARD:{ID_HANGZHOU[:6]} {ID_HANGZHOU[6:14]} {ID_HANGZHOU[14:]}]]",
    f"身份证号[[ID_CARD:{fullwidth(ID_BEIJING)}]]，请帮忙查询公积金。",
    f"身份证号为[[ID_CARD:{ID_OLD_CHANGSHA}]]（老身份证），系统查不到。",
    f"身份证[[ID_CARD:{ID_OLD_BEIJING}]]，还是第一代证。",
    f"坐席：请报一下身份证号。市民：[[ID_CARD:{ID_WUHAN_X}]]。",
    f"市民：我身份证是[[ID_CARD:{ID_QINGDAO}]]，你查一下我的养老金。",
    f"办理低保的申请人[[ID_CARD:{ID_CHANGSHA}]]，材料已提交三个月。",
    f"ID:[[ID_CARD:{ID_CHENGDU}]]",
    f"户主身份证号[[ID_CARD:{ID_NANJING}]]、配偶身份证号[[ID_CARD:{ID_HANGZHOU}]]。",
    f"[[ID_CARD:{ID_QINGDAO}]]",
    f"医保卡绑定的身份证[[ID_CARD:{ID_WUHAN_X}]]显示信息错误。",
    f"老人身份证号码[[ID_CARD:{ID_NANJING}]]，高龄补贴停发了。",
    f"孩子的身份证号：[[ID_CARD:{ID_CHENGDU}]]，入学报名系统提示已被占用。",
    f"租客身份证[[ID_CARD:{ID_BEIJING}]]，房东不给办居住证。",
    f"身份证号是[[ID_CARD:{fullwidth(ID_SHENZHEN_X)}]]",
    f"我丈夫的身份证号是[[ID_CARD:{ID_HANGZHOU}]]，他在工地受伤。",
    f"身份证号：[[ID_CARD:{ID_OLD_CHANGSHA}]]",
    f"持证人[[ID_CARD:{ID_QINGDAO}]]的残疾证年审没通过。",
    f"社保个人编码就是身份证号码[[ID_CARD:{ID_CHANGSHA}]]，缴费记录少了两年。",
    # bank cards: whole or in groups of four, 16 to 19 digits, passing Luhn
    f"工资卡号[[BANK_CARD:{CARD_ICBC_19}]]，工资三个月没到账。",
    f"银行卡号：[[BANK_CARD:{grouped(CARD_CCB_16)}]]",
    f"退款请打到[[BANK_CARD:{grouped(CARD_CMB_19, '-')}]]，开户行招商银行。",
    f"卡号[[BANK_CARD:{CARD_VISA_16}]]被盗刷了两万多。",
    f"[[BANK_CARD:{CARD_MASTER_16}]]是我的信用卡，年费乱收。",
    f"补贴发放到[[BANK_CARD:{CARD_ABC_18}]]这张卡上了吗？",
    f"市民：卡号是[[BANK_CARD:{grouped(CARD_OLD_ICBC_19)}]]，你帮我查一下。",
    f"账号[[BANK_CARD:{fullwidth(CARD_CCB_16)}]]，户名是公司法人。",
    f"惠民补贴卡[[BANK_CARD:{CARD_BOC_19}]]里的钱被扣了。",
    f"对方让我往[[BANK_CARD:{CARD_UNIONPAY_16}]]转了押金，之后就联系不上了。",
    f"社保卡金融账户[[BANK_CARD:{grouped(CARD_BOC_19)}]]激活不了。",
    f"收款账号：[[BANK_CARD:{grouped(CARD_ICBC_19, '-')}]]，收款人是中介。",
    f"[[BANK_CARD:{CARD_CMB_19}]]",
    f"开发商指定的监管账户是[[BANK_CARD:{CARD_ABC_18}]]，可购房款被转走了。",
    f"我的卡[[BANK_CARD:{grouped(CARD_VISA_16)}]]在ATM机被吞。",
    f"坐席：请提供一下退费的银行卡。市民：[[BANK_CARD:{CARD_CCB_16}]]，建设银行。",
    f"农民工工资专户[[BANK_CARD:{CARD_UNIONPAY_16}]]没有按月拨付。",
    # e-mails
    "邮箱：[[EMAIL:zhangsan@163.com]]，请把回复发到邮箱。",
    "[[EMAIL:12345678@qq.com]]是我的QQ邮箱。",
    "请回复至[[EMAIL:li.si_2020@126.com]]",
    "电子邮件[[EMAIL:wang.fang@example.com.cn]]，附件有照片。",
    "邮箱[[EMAIL:hotline.user+test@sina.cn]]收不到验证码。",
    "联系邮箱：[[EMAIL:ZHAO_LEI@YEAH.NET]]。",
    f"邮箱是[[EMAIL:{fullwidth('zhangsan@163.com')}]]",
    "公司人事邮箱[[EMAIL:hr-dept@example.org]]一直不回复离职证明的事。",
    "举报材料已发到[[EMAIL:jubao2026@example.gov.cn]]，至今没有答复。",
    "我的邮箱[[EMAIL:a123456@qq.com]]，麻烦把处理结果发过来，谢谢",
    "Email: [[EMAIL:chen.jing@foxmail.com]]",
    "网站留言的回执发到了[[EMAIL:user_01@139.com]]。",
    "学校招生办的邮箱[[EMAIL:zsb@school.example.edu.cn]]已满，发不进去。",
    "请联系[[EMAIL:service@example.中国]]",
    "邮件（[[EMAIL:m.liu@outlook.com]]）里有合同扫描件。",
    # vehicle plates
    "车牌[[PLATE:湘A12345]]的车长期占用消防通道。",
    "一辆[[PLATE:湘A·12345]]的白色小车天天停在人行道上。",
    "车牌号[[PLATE:湘A 12345]]，渣土车夜间抛洒。",
    "新能源车[[PLATE:京A·D12345]]占着充电桩不走。",
    "[[PLATE:粤B·12345D]]是电动大巴，司机抽烟。",
    "面包车[[PLATE:沪C3X5Y7]]在小区里乱停。",
    "车牌号码为[[PLATE:苏E2G81C]]，三、调查结论。",
    "一辆[[PLATE:京A1234警]]的警车停在路口。",
    "[[PLATE:粤Z1234港]]两地牌车辆违停。",
    "[[PLATE:粤Z5678澳]]的车在这里停了一个星期。",
    "教练车[[PLATE:湘A1234学]]在居民区练车，噪音很大。",
    "货车牌照[[PLATE:鄂A2345挂]]超载。",
    "车牌[[PLATE:湘a12345]]的车主乱按喇叭。",
    "出租车[[PLATE:川A·F12345]]拒载。",
    "[[PLATE:浙B88888]]",
    "公交车[[PLATE:鲁B12345]]闯红灯，车上有乘客。",
    "车牌[[PLATE:晋A·5A678]]的车辆尾气严重超标。",
    "渣土车[[PLATE:赣A50397]]没有密闭运输。",
    "小区有辆僵尸车，车牌[[PLATE:豫A12345]]，停了两年了。",
    "电动车撞人后逃逸，对方开的是[[PLATE:湘A·DF1234]]",
    "市民：车牌是[[PLATE:湘A 8K234]]，黑色的。坐席：好的。",
    "举报[[PLATE:琼A12345]]非法营运。",
    f"车牌号：[[PLATE:{fullwidth('湘A12345')}]]",
    "一辆[[PLATE:新A12345]]的大货车在小区门口卸货。",
    "网约车[[PLATE:渝A·12345D]]多收费。",
    # names after a self-introduction or a form label
    "您好，我叫[[NAME:王小明]]，住在A3区书院路12号。",
    "我叫[[NAME:李娜]]，是2栋的业主。",
    "我是[[NAME:张伟]]，上周反映过这个问题。",
    "我是[[NAME:陈静]]的家长，孩子在A7县第一中学读书。",
    "我姓[[NAME:刘]]，物业一直不给修电梯。",
    "本人姓[[NAME:赵]]，男，65岁，退休职工。",
    "免贵姓[[NAME:孙]]，家住B9市K1区。",
    "本人[[NAME:李建国]]，男，1965年出生，系A7县春华镇村民。",
    "联系人：[[NAME:王]]女士",
    "姓名：[[NAME:欧阳娜娜]]\u3000性别：女",
    "坐席：请问您贵姓？市民：我姓[[NAME:黄]]。",
    "市民：我叫[[NAME:何丽]]，想咨询一下公租房。",
    "我的名字叫[[NAME:吴磊]]，在B9市打工。",
    "投诉人：[[NAME:郭芳芳]]，投诉对象：某某物业公司。",
    "反映人：[[NAME:马强]]（A3区居民）",
    "来电人：[[NAME:林晓燕]]，诉求：小区停水。",
    "姓名：[[NAME:上官云]]",
    "我是[[NAME:梁红]]的妈妈，孩子被学校劝退了。",
    "我是[[NAME:张]]先生，上次反映的路灯还没修。",
    "本人[[NAME:杨帆]]。",
    "我叫[[NAME:曾敏]]",
    "市民：你好，我是[[NAME:谢丽]]，我家住在B9市K1区。",
    "我叫[[NAME:邓超]]，今年45岁。",
    "本人姓[[NAME:李]]名[[NAME:华侨]]，男，汉族。",
    "我是[[NAME:徐静]]，A7县人。",
    "坐席：怎么称呼您？市民：叫我[[NAME:王]]女士就好。",
    "投诉人[[NAME:唐敏]]称物业乱收费。",
    "报案人：[[NAME:袁华]]，男，汉族。",
    "我叫[[NAME:卢俊]]，男，是外卖骑手。",
    "本人[[NAME:沈丹]]，在A3区一家餐馆打工。",
    "我叫[[NAME:苏小妹]]。",
    "举报人：[[NAME:夏明志]]2019年3月1日",
    "各位领导好，我叫[[NAME:韩梅]]，是一名环卫工人。",
    "我是[[NAME:孙秀英]]，今年七十二岁，子女都在外地。",
    "尊敬的领导：本人[[NAME:魏国庆]]，身份证号码***。",
    "姓名:[[NAME:罗杰]]",
    "联系人：[[NAME:司马光明]]\u3000联系电话：***",
    "我叫[[NAME:周杰]]，住书院路。",
    "联系人 [[NAME:郑国强]] 电话 ***",
    "我的名字是[[NAME:蔡文静]]，想反映一个问题。",
    # several kinds in one message; web-form signatures; call transcripts
    "我叫[[NAME:王芳]]，电话[[MOBILE:13800138000]]，身份证号[[ID_CARD:" + ID_CHANGSHA + "]]。",
    "联系人：[[NAME:陈]]先生，电话：[[MOBILE:139-0000-1111]]，邮箱：[[EMAIL:chen@163.com]]",
    "姓名：[[NAME:刘洋]]　电话：[[MOBILE:13900001111]]　身份证号：[[ID_CARD:" + ID_BEIJING + "]]",
    "举报人：[[NAME:周杰]]，电话[[MOBILE:13800138000]]，举报车牌[[PLATE:湘A·12345]]的渣土车。",
    "坐席：您好，12345。市民：你好，我叫[[NAME:李强]]，手机[[MOBILE:138 0013 8000]]，我要投诉。",
    "坐席：请问您贵姓？市民：我姓[[NAME:张]]。坐席：联系电话是？市民：[[MOBILE:13900001111]]。",
    "坐席：请报一下身份证号。市民：[[ID_CARD:"
    + ID_QINGDAO
    + "]]。坐席：工资卡号呢？市民：[[BANK_CARD:"
    + CARD_ICBC_19
    + "]]。",
    "[00:03] 坐席：您好，请讲。[00:05] 市民：我叫[[NAME:赵敏]]，车牌[[PLATE:湘A12345]]的车被别人堵住了。",
    "[00:18] 市民：号码是[[MOBILE:18600003333]]，座机是[[LANDLINE:0731-84567890]]。",
    "市民：我是[[NAME:黄丽]]，我的邮箱是[[EMAIL:huangli@qq.com]]，请把答复发给我。",
    "本人[[NAME:杨军]]，身份证号[[ID_CARD:"
    + ID_NANJING
    + "]]，工资卡[[BANK_CARD:"
    + grouped(CARD_CCB_16)
    + "]]，被拖欠工资。",
    f"我的手机号是[[MOBILE:{fullwidth('13800138000')}]]，身份证号是[[ID_CARD:{fullwidth(ID_CHENGDU)}]]。",
    "联系方式：[[MOBILE:+86 139 0000 1111]]，[[EMAIL:user@example.com]]",
    "投诉人：[[NAME:孙丽]]，联系电话：[[LANDLINE:0731-84567890转8001]]，地址：A3区书院路12号。",
    "车主[[PLATE:粤B·12345D]]留的电话[[MOBILE:13700002345]]是空号。",
    "我叫[[NAME:欧阳明]]，在B9市工作，电话[[MOBILE:15000002222]]，邮箱[[EMAIL:ouyang@126.com]]。",
    "坐席：还有其他联系方式吗？市民：座机[[LANDLINE:84567890]]，手机[[MOBILE:17700004444]]。",
    "市民：身份证号[[ID_CARD:" + ID_WUHAN_X + "]]，银行卡号[[BANK_CARD:" + grouped(CARD_BOC_19) + "]]。",
    "举报人：[[NAME:黄]]先生，手机[[MOBILE:13800138000]]，举报车牌[[PLATE:湘A·D12345]]非法营运。",
    "联系人：[[NAME:马丽]]；电话：[[MOBILE:19900005555]]；邮箱：[[EMAIL:mali@qq.com]]；地址：B9市K1区。",
    "我是[[NAME:王伟]]，2019年5月12日在书院路12号被车牌[[PLATE:湘A88888]]的车刮倒，对方电话[[MOBILE:13600009876]]。",
    "姓名：[[NAME:诸葛亮]]，身份证：[[ID_CARD:" + ID_HANGZHOU + "]]，电话：[[LANDLINE:(0731)88886666]]",
    "[[MOBILE:13800138000]]，我叫[[NAME:林峰]]，请回电。",
    "市民：我叫[[NAME:许晴]]，电话[[MOBILE:15100006789]]，上个月打过12345，工单号GD202611250001，还没人处理。",
    "坐席：您说的是哪一辆车？市民：[[PLATE:湘A 12345]]，车主电话[[MOBILE:15900000246]]。",
    "来电人：[[NAME:钱进]]，来电号码[[MOBILE:13800138000]]，反映A3区书院路12号下水道堵塞。",
    "本人姓[[NAME:欧阳]]，手机[[MOBILE:18800009999]]，邮箱[[EMAIL:oy2026@163.com]]。",
    "我叫[[NAME:范冰]]，银行卡[[BANK_CARD:"
    + CARD_UNIONPAY_16
    + "]]被冻结，客服[[LANDLINE:400-800-1234]]说要本人去网点。",
    "反映人：[[NAME:冯刚]]，电话[[MOBILE:138 0013 8000]]，车辆[[PLATE:湘A1234学]]在小区练车。",
    "坐席：留一下联系人和电话。市民：联系人：[[NAME:王]]女士，[[MOBILE:13800138000]]。",
    "投诉人：[[NAME:唐晓]]  手机：[[MOBILE:13800138000]]  微信：同手机",
    "我叫[[NAME:任杰]]，我的手机[[MOBILE:13800138000]]和座机[[LANDLINE:0731-84567890]]都可以打。",
    "市民：我叫[[NAME:段丽]]。坐席：您的身份证号码？市民：[[ID_CARD:" + ID_SHENZHEN_X + "]]。",
    "姓名：[[NAME:邱敏]]\n电话：[[MOBILE:13900001111]]\n邮箱：[[EMAIL:qiumin@163.com]]\n车牌：[[PLATE:湘A12345]]",
    "联系人：[[NAME:曹]]女士　联系电话：[[MOBILE:13800138000]]（微信同号）",
    # dates of birth: before 出生/生 or after 出生于/生于/出生日期/生日; other dates stay
    "本人[[NAME:姚香菊]]，女，[[BIRTH_DATE:1967年5月]]出生，现为某酒店员工，养老保险已缴满15年。",
    "我儿子生于[[BIRTH_DATE:2015年10月12日]]，2019年5月12日落的户，现在上不了学。",
    "市民：出生日期是[[BIRTH_DATE:1990-03-07]]，电话[[MOBILE:13800138000]]。",
    "坐席：请问您的生日？市民：[[BIRTH_DATE:1958年3月4日]]生的，今年退休。",
    # a reply addressed to the citizen by name
    "[[NAME:姚香菊]]您好：您反映的养老保险补缴问题，经核实符合政策规定。",
    "尊敬的[[NAME:王建国]]同志：你好！关于您反映的路灯问题已转城管部门处理。",
    "市民您好！\n[[NAME:李娜]]同志：您的来信已收悉。",
    # round 3: card numbers that fail the Luhn check after a card word (a slip or a misheard digit)
    f"银行卡号[[BANK_CARD:{failing_luhn(CARD_ICBC_19)}]]，工资没到。",
    f"卡号[[BANK_CARD:{grouped(failing_luhn(CARD_CCB_16))}]]被冻结。",
    f"账号[[BANK_CARD:{failing_luhn(CARD_ABC_18)}]]是开发商给的。",
    f"储蓄卡：[[BANK_CARD:{grouped(failing_luhn(CARD_BOC_19), '-')}]]，存折也丢了。",
    # round 3: an ID number after 身份证 whatever its check digit or date
    f"身份证号[[ID_CARD:{with_wrong_check_digit(ID_CHANGSHA)}]]，系统说核验不通过。",
    "身份证号码是[[ID_CARD:110105198002300011]]，办不了居住证。",
    # round 3: room-level home addresses: the room goes, the building and the unit stay
    "8栋2单元[[ROOM:1302室]]楼上漏水，天花板都泡了。",
    "门牌号：B01-01-05栋[[ROOM:206]]。",
    "我是A3区居民，家住书院路12号3栋1单元[[ROOM:502室]]。",
    "楼层：27F，房号[[ROOM:2703]]。",
    "我住5栋[[ROOM:302室]]，楼下KTV吵到凌晨。",
    "3单元[[ROOM:1102]]的住户把电动车推进电梯充电。",
    "家住和平小区2号楼[[ROOM:501]]，自来水发黄。",
    "A座[[ROOM:1203室]]在家里开麻将馆。",
    "三栋二单元[[ROOM:五零二]]在装修，吵得不行。",
    "6栋-[[ROOM:1801]]的空调外机滴水。",
    # round 3: passports
    "护照号[[PASSPORT:E12345678]]，出境被拦下了。",
    "我的护照号码是[[PASSPORT:G87654321]]。",
    "Passport No. [[PASSPORT:EB7654321]]，外籍教师的工作证办不下来。",
    "港澳通行证[[PASSPORT:C12345678]]续签要多久？",
    # round 3: WeChat and QQ ids
    "微信号[[WECHAT:zhang_san88]]，加我发照片。",
    "微信：[[WECHAT:wxid_abc12345]]",
    "vx [[WECHAT:Li-Ming2020]]，晚上联系。",
    "QQ号[[QQ:12345678]]，群主乱收费。",
    "我的QQ：[[QQ:88886666]]，截图发你。",
    "扣扣[[QQ:123456789]]，加我。",
)

PLANTED_CASES: tuple[Case, ...] = tuple(case(text) for text in _PLANTED)

# Sentences full of numbers and name-like phrases in which nothing is personal data.
UNTOUCHED: tuple[str, ...] = (
    "网友您好！您反映的问题已收悉。",
    "领导您好，我想反映一个问题。",
    "工作人员您好，我家楼下的路灯坏了。",
    "2019年5月12日下午三点，小区停电至今未恢复。",
    "2019-05-12 14:30 反映的问题至今未处理。",
    "20190512那天我就打过电话了。",
    "物业费原来每月3000元，现在一次涨了1.5万元。",
    "被骗走￥12345678，请警方尽快立案。",
    "书院路12号门口有人占道经营。",
    "3号楼电梯坏了一个星期，老人下不了楼。",
    "102路公交车司机态度恶劣。",
    "地铁2号线施工噪音扰民，晚上十一点还在打桩。",
    "旅游1线停运后，村民出行很不方便。",
    "工单号GD202611250001，至今没有回复。",
    "邮编410000，地址：A3区书院路12号。",
    "今年房价涨了35%，首付比例提高到12.5%。",
    "房子面积120平方米，公摊面积太大。",
    "我工龄15年，社保缴了180个月。",
    "我拨打12345热线反映了三次。",
    "A3区、A7县、B9市、K1区的居民都反映过这个问题。",
    "电话：***，身份证号：***，已按要求隐去。",
    "电话0000-00000000一直打不通。",
    "联系电话：0731-0000-00000000，转了好几次都没人接。",
    "身份证号码**************，银行卡号*******************。",
    "电邮: jqw********@126.com，请回复。",
    "车牌号：楚mc***********，肇事后逃逸。",
    "我是业主，我是A3区居民，我是一名教师。",
    "本人于2019年购买了该小区的房子。",
    "我叫了物业好几次都没人来。",
    "我是黄兴路的业主，楼下烧烤店油烟太大。",
    "我是农民，种了十几亩田，补贴没发。",
    "举报人于今年3月向区里反映过。",
    "我叫车过来接孩子，车一直进不了小区。",
    "本人认为物业收费不合理。",
    "我是高中生，学校周六补课。",
    "本人向领导反映过多次。",
    "我是安徽人，在A3区打工。",
    "我是周边居民，施工噪音太大了。",
    "我是李老师的学生家长。",
    "本人林业局职工，工资拖欠。",
    "我是文明城市志愿者。",
    "我是马上要毕业的学生。",
    "时间：08:30-17:30，周末休息。",
    "住宅设计规范GB50096-2011中有明确规定。",
    "建筑面积89.5平，总价1020408元，其中装修款20万元。",
    "预售证号为：2014-0036，当时开发商没有公示。",
    "2018-2019学年的学费至今没有退。",
    "拨打96111和12319都说不归他们管。",
    "培训费从860-1300元一个学期不等。",
    "每家赔偿了800-1500元不等的损失。",
    "现在还拖欠1396028元工程款。",
    "邮政编码：410005。",
    "新A1区之都小区的规划被改了。",
    "车牌号湘A·***，请查处。",
    "2019年12月31日23:59之前必须搬走。",
    "按照第12345号文件执行。",
    "订单号20261125000123456，退款一直没到。",
    "快递单号SF1234567890123显示已签收，但我没收到。",
    "发票号码6008937、6008938都能查到。",
    "合同编号HT-2019-0731-0001，签约日期2019年7月31日。",
    "乘坐G1234次列车到达后无出租车。",
    "身高175厘米，体重65公斤，体检不合格。",
    "坐标112.9388, 28.2282附近有违建。",
    "年收入120000元以下的家庭可以申请。",
    "2020年1月1日至2020年12月31日期间缴纳的社保。",
    "学号13012345678的学生被学校开除。",
    "准考证号13800138000，成绩查不到。",
    "2014年数据：18112525462.26元。",
    "小区共有1302户，4500人。",
    "工资从每月1100-1300元涨到1500-1700元。",
    "价格低200-300元/台。",
    "A市城市总体规划（2003-2020）未公开。",
    "联系人：***，联系电话：***",
    "我叫***，身份证号***。",
    "姓名：某某，电话：某某。",
    "我叫了120急救车，半小时才来。",
    "本人在2016年3月31日缴纳了定金。",
    "我是一名肢体三级残疾人，前两年申请了补助。",
    "我是景致雅苑小区的业主。",
    "我是中海国际社区四期的居民。",
    "我是方便面厂的退休职工。",
    "车位价格15万一个，还要捆绑销售。",
    "上午9:00到11:30，下午2:30到5:00办理。",
    "2019年5月12日、2019年6月1日、2019年7月15日三次投诉。",
    "身份证号码后四位是1234。",
    "已经等了365天。",
    "气温38.5℃，学校没开空调。",
    "[MOBILE]、[ID_CARD]、[NAME]都是已经遮盖过的内容。",
    "设备编码138001380001，是一串12位的数字。",
    "经核实，投诉人陈述的情况基本属实。",
    "举报人曾在2018年反映过同样的问题。",
    "联系人变更为物业公司，联系电话待定。",
    "流水号202611251380013800012，查不到这笔交易。",
    "条形码6901234567892是商品的，不是卡号。",
    "138****8000是我手机号，中间几位已隐去。",
    "430102********1234是我身份证号，中间已隐去。",
    # round 3: the place of a problem, public rooms, routes and amounts next to buildings; accounts of no one
    "3号楼电梯坏了一个星期。",
    "1号楼2单元的楼道灯不亮。",
    "5栋楼下的化粪池满了。",
    "住在18楼，停水三天。",
    "2号楼一楼大厅的自动门坏了。",
    "5号楼2021年交的房，至今没有产权证。",
    "3栋300平米的商铺改成了仓库。",
    "政务中心3号楼302会议室开听证会。",
    "1号楼1102路公交站牌被撞坏了。",
    "小区3单元100米外有个垃圾站。",
    "关注微信公众号“A3发布”查看通知。",
    "微信群和QQ群里都发了停电通知。",
    "微信支付的150元没有退回来。",
    "QQ群号123456，家长都在里面。",
    "银行卡被冻结了，卡里有2000元。",
    "护照办理要带什么材料？",
    "乘坐G1234次高铁，出站口没有出租车。",
    "账号被封了三天，客服不理。",
    "E栋和F栋之间的通道被堵了。",
    "卡号后四位是8888。",
)
