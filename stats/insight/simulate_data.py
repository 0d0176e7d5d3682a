"""The simulator's city: district centres, place names, category weights and the words citizens use.

Everything here is invented for the simulation (place names are generic Chinese compound names; the
district centres are approximately those of Taiyuan's six urban districts)."""
from __future__ import annotations

# Approximate centres (latitude, longitude) and relative populations of the urban districts.
DISTRICTS = {"XDQ": (37.745, 112.565, 1.4), "YZQ": (37.855, 112.580, 0.9), "XHLQ": (37.890, 112.570, 1.0),
             "JCPQ": (37.940, 112.490, 0.8), "WBLQ": (37.860, 112.515, 1.2), "JYQ": (37.725, 112.480, 0.5)}
CITY_CENTRE = (37.865, 112.550)


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


NAME_HEADS = words("""
和平 幸福 阳光 金地 华苑 丽都 锦绣 康宁 御景 龙城 晋阳 汾河 双塔 滨河 长风 南城
北营 东山 西苑 朝阳 春晖 紫薇 嘉禾 恒大 富力 万科 兴华 建设 胜利 红旗 新华 光华
文源 书香 翠竹 桃园 杏林 梧桐 青年 铁路 电力 化工 纺织 钢城 矿机 水西 柳溪 迎春
南华 北辰""")
COMPOUND_MIDDLES = ("", "东区", "西区", "南区", "北区", "二期", "三期", "雅居", "佳园", "新居", "景园", "丽景")
COMPOUND_TAILS = ("小区", "花园", "家园", "苑", "新村", "公寓", "嘉园", "名都")
ROAD_TAILS = ("路", "街", "大街", "北路", "南路", "东街")
SITE_TAILS = ("项目工地", "地块工地", "安置房工地", "商业综合体工地")

# Category code prefix → (relative weight, where it happens: compound, road, site or none).
# Longest prefix wins; others weigh 1 and happen nowhere in particular.
CATEGORY_MODEL = {
    "0101": (4.0, "compound"), "0102": (4.0, "compound"), "010301": (1.5, "compound"), "010306": (1.0, "compound"),
    "0104": (1.0, "site"), "0201": (2.5, "compound"), "020201": (1.0, "compound"), "020203": (1.0, "compound"),
    "020301": (1.5, "compound"), "020303": (0.8, "compound"), "020304": (0.8, "road"), "0301": (1.5, "road"),
    "030201": (1.5, "compound"), "030203": (1.0, "road"), "0303": (1.5, "road"), "0304": (0.8, "road"),
    "0401": (1.5, "road"), "0402": (1.5, "road"), "0501": (1.0, "site"), "050102": (1.0, "compound"),
    "050301": (1.5, "site"), "050302": (1.2, "site"), "050303": (1.5, "compound"), "0601": (2.0, "none"),
    "0701": (1.5, "none"), "09": (0.05, "none"), "10": (1.5, "none"), "99": (1.0, "none"),
}
HEATING = "0101"
EVENT_PLACES = ("compound", "road", "site")

DURATIONS = ("两天", "三天", "一个星期", "半个月", "好几天", "一个多月")
DETAILS = words("""
已经{dur}了 {dur}了一直没人管 多次反映没有结果 严重影响正常生活 家里有老人孩子
打电话一直没人接 不知道该找哪个部门 之前反映过一次""")
ASKS = ("希望尽快处理", "请相关部门核实解决", "麻烦给解决一下", "要求给个说法", "请尽快派人来看看")
TEMPLATES_AT = ("{where}{kw}，{detail}，{ask}。", "我是{where}的居民，{kw}的问题{detail}，{ask}。",
                "反映一下{where}{kw}，{detail}。{ask}。", "{kw}，地点在{where}，{detail}，{ask}。")
TEMPLATES_NONE = ("咨询一下{kw}的问题，{detail}，{ask}。", "关于{kw}，{detail}，想问问怎么办理，{ask}。",
                  "{kw}的事情{detail}，{ask}。")
EVENT_STORIES = {
    "compound": ("{where}{b}号楼整栋{kw}", "{where}{b}号楼和{b2}号楼都{kw}", "{where}这几天大面积{kw}"),
    "road": ("{where}{landmark}附近{kw}", "{where}从{landmark}到路口一段{kw}"),
    "site": ("{where}每天晚上十点以后还在施工，{kw}", "{where}{kw}，半夜还在打桩"),
}
LANDMARKS = ("公交站", "十字路口", "学校门口", "菜市场", "医院门口", "超市")
SPAM = ("加微信低价代办各类证件，快速办理，联系{n}", "专业代开发票，欢迎咨询{n}", "贷款秒批无抵押，详询{n}")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
REQUEST_TYPES = (("complaint", 0.45), ("help", 0.35), ("report", 0.05), ("suggestion", 0.05), ("enquiry", 0.10))
CHANNELS = (("wechat", 0.40), ("phone", 0.45), ("h5", 0.15))
WEEKDAY = (1.12, 1.08, 1.05, 1.03, 1.0, 0.78, 0.72)  # Monday … Sunday
HOURS = (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.2, 2.6, 2.5, 2.0, 1.3, 1.5, 2.2, 2.4, 2.2, 1.8, 1.3, 1.2, 1.1,
         0.9, 0.6, 0.4)

QUESTIONS = words("""
公积金怎么提取 租房提取公积金需要什么材料 公积金贷款额度怎么算 社保卡丢了怎么补办
灵活就业怎么交社保 养老金什么时候发 居住证怎么办理 新生儿怎么上户口 身份证丢了怎么补办
异地就医怎么备案 医保报销比例是多少 居民医保怎么缴费 暖气费怎么交 暖气不热找谁
供暖时间是什么时候 物业费标准是多少 电梯坏了找谁修 停水什么时候恢复 燃气怎么开户 电费怎么查询
营业执照怎么办理 个体户怎么注销 个税汇算怎么操作 低保怎么申请 高龄补贴怎么领 残疾证怎么办理
结婚登记需要预约吗 小学入学怎么划片 幼儿园怎么报名 不动产证怎么办 公租房怎么申请
失业金怎么领取 拖欠工资怎么投诉 驾驶证到期怎么换 护照怎么办理 电动车怎么上牌 老年卡怎么办
公交卡怎么充值 垃圾分类怎么分 违章停车怎么举报""")
QUESTION_FRAMES = ("{q}", "请问{q}", "你好，{q}", "{q}？", "想问一下{q}", "{q}呢")
RISING_TOPICS = (
    ("消费券", ("消费券怎么领", "消费券在哪里领取", "第二批消费券什么时候发", "消费券领了用不了怎么办",
              "消费券能在超市用吗", "消费券抢不到怎么办")),
    ("以旧换新", ("以旧换新补贴怎么申请", "家电以旧换新补贴多少", "以旧换新补贴什么时候到账", "以旧换新在哪里登记")),
    ("采暖补贴", ("采暖补贴怎么申请", "采暖补贴发放标准", "采暖补贴什么时候发", "低保户有没有采暖补贴")),
)
