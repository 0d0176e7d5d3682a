"""What 微受理 says in chat (Chinese), in one place."""

# --- the submission dialogue ----------------------------------------------------------------------
START = "好的，我们来记录您的诉求。随时回复“取消”可以退出，填写的内容不会保存。"
ASK_TYPE = "请选择诉求类型（回复序号或名称）："
TYPE_LINE = "{number}. {name}"
TYPE_UNKNOWN = "没有“{text}”这个类型，请回复序号（如“1”）或类型名称（如“投诉”）。"

ASK_DESCRIBE = ("【{type}】请描述您要反映的问题：什么时间、什么地点、发生了什么、希望怎样解决"
                "（至少{minimum}个字，可以分几条发送）。")
ASK_ENQUIRY = "【咨询】请直接输入您要咨询的问题，我们先从知识库中为您查找答案。"
DESCRIPTION_SHORT = ("描述有点短（现在{count}个字，至少需要{minimum}个字）。您发的内容已保留，"
                     "请接着补充具体情况，如地点、时间、经过。")
DESCRIPTION_LONG = ("描述太长了（{count}个字），微信里一次最多{maximum}个字，请精简后重新发送；"
                    "内容很多时也可以点击菜单“微受理”→“在线填写”。")

ENQUIRY_ANSWER = "{answer}\n\n👉 查看完整解答：{url}"
ENQUIRY_SOLVED = "以上解答如果没有解决您的问题，可以重新点击菜单“微受理”提交咨询，或拨打12345热线。"
ENQUIRY_CHOICES = "您是不是想问：\n{lines}\n\n回复序号查看答案；如果都不是，回复“继续”把问题提交给承办单位答复。"
ENQUIRY_NONE = "知识库里暂时没有现成的答案。回复“继续”把问题提交给承办单位答复，回复“取消”结束。"
ENQUIRY_HINT = "请回复序号查看答案，或回复“继续”提交咨询，回复“取消”结束。"
ENQUIRY_MORE = "好的。请把问题再说详细一些，方便承办单位答复。"

ASK_CATEGORY = "请确认问题分类（回复序号）：\n{lines}\n如需补充描述，可以直接发送补充内容。"
CATEGORY_LINE = "{number}. {name}"
CATEGORY_OTHER = "其他（不确定，由话务员分类）"
CATEGORY_UNKNOWN = "请回复分类前的序号（1–{last}）。"
SUPPLEMENTED = "已把补充内容加到描述中，分类建议已更新。"

ASK_PLACE = ("请告诉我们事发地点：\n· 点击输入框旁的“+”→“位置”，发送位置；\n"
             "· 或直接输入详细地址（区、街道/路、小区、楼号）。")
PLACE_SKIP = "\n这件事不涉及具体地点，可回复“跳过”。"
PLACE_REQUIRED = "【{type}】需要事发地点，承办单位才能找到现场。请发送位置或输入详细地址。"
ADDRESS_SHORT = "地址太简单了，请写明区、街道（路）和小区或门牌号，如“小店区坞城路88号”。"
ADDRESS_LONG = "地址最多{maximum}个字，请精简后重新发送。"
LOCATION_TAKEN = "已收到位置：{label}。"
LOCATION_KEPT = "已记下您发送的位置：{label}。"
MAP_POINT = "地图上选择的位置"

ASK_PHOTOS = "如有现场照片，请直接发送（最多{maximum}张），发完回复“完成”；没有照片请回复“跳过”。"
PHOTO_TAKEN = "已收到第{count}张图片。可以继续发送，发完回复“完成”。"
PHOTO_KEPT = "已收到图片（第{count}张），会随诉求一起提交。"
PHOTO_LIMIT = "最多可以附{maximum}张图片，这张没有保存。回复“完成”继续。"
PHOTOS_HINT = "请发送图片，或回复“完成”继续（没有照片回复“跳过”）。"

ASK_NAME = "请问怎么称呼您？（如“张先生”“李女士”）"
OFFER_LAST_CONTACT = "\n回复“1”使用上次的联系方式：{name}，{phone}"
NAME_INVALID = "请告诉我们您的姓名或称呼（不超过{maximum}个字，如“张先生”）。"
ASK_PHONE = "请留下您的联系电话（手机号，或带区号的固定电话），承办单位会通过它联系您。"
PHONE_INVALID = ("“{text}”不是有效的电话号码。请输入11位手机号（如13812345678），"
                 "或带区号的固定电话（如0351-1234567）。")
ASK_CONFIDENTIAL = ("是否需要为您的姓名和电话保密？\n1. 需要保密（承办单位看不到您的姓名和电话）\n2. 不需要")
CONFIDENTIAL_HINT = "请回复“1”（需要保密）或“2”（不需要）。"

SUMMARY = ("请核对您的诉求：\n类型：{type}\n分类：{category}\n内容：{content}\n地点：{place}\n图片：{photos}\n"
           "联系人：{name}，{phone}\n保密：{confidential}\n\n回复“确认”提交，“修改”更改，“取消”放弃。")
NO_PLACE = "（未填写）"
CONFIRM_HINT = "请回复“确认”提交，“修改”更改内容，或“取消”放弃。"
PHOTOS_PENDING = "图片还在保存中，请过几秒再回复“确认”。"
ASK_EDIT = "请选择要修改的项目（回复序号）：\n{lines}"
EDIT_UNKNOWN = "请回复要修改项目的序号（1–{last}）。"
EDIT_FIELDS = ("类型", "内容", "分类", "地点", "图片", "联系人", "保密设置")
NOT_ACCEPTED = "提交前发现问题：{problems}"

CREATED = ("提交成功，您的诉求已受理！\n工单编号：{number}\n办理时限：{deadline:%Y年%m月%d日}前（{days}个工作日）\n"
           "查看进度：点击菜单“我的”→“我的工单”，或打开 {url}\n也可以直接回复工单编号查询。{photo_note}")
PHOTOS_DROPPED = "\n（有{count}张图片未能保存，没有附在工单中。）"

# --- guards (submit.guards): a possible duplicate, the daily limit ---------------------------------
DUPLICATE = "您在10分钟内已经提交过内容相同的诉求（工单 {number}），这次可能是重复提交。"
ASK_DUPLICATE = ("您在10分钟内已经提交过内容相同的诉求（工单 {number}）。这次是重复提交吗？\n"
                 "1. 是，不再提交，保留之前的工单\n2. 否，这是另一件事，仍然提交")
DUPLICATE_HINT = "请回复“1”（是重复提交，保留之前的工单）或“2”（不是重复，仍然提交）。"
DUPLICATE_KEPT = "好的，这次没有重复提交。您之前的工单编号：{number}\n查看进度：{url}"
DUPLICATE_YES = {"1", "是", "是的", "重复", "是重复", "重复了", "对"}
DUPLICATE_NO = {"2", "否", "不是", "不是重复", "仍然提交", "提交", "继续", "继续提交"}
DAILY_LIMIT = ("您今天已经提交了{limit}件诉求，达到每天{limit}件的上限，请明天再提交。"
               "情况紧急或需要马上反映的，请拨打12345热线；咨询政策可以使用“微查询”。")

# --- any dialogue ---------------------------------------------------------------------------------
IN_DIALOGUE_HELP = "您正在填写【{title}】。请按提示回复；回复“取消”可以退出，填写的内容不会保存。"
VOICE_NOT_RECOGNISED = "抱歉，没能识别您的语音，请直接输入文字。"
UNSUPPORTED_HERE = "这一步请回复文字。"
ASK_LEAVE = "您正在填写的【{title}】还没有提交。要放弃填写吗？\n回复“是”放弃（已填内容不保存），回复“否”继续填写。"
LEAVE_HINT = "请回复“是”放弃填写，或回复“否”继续填写。"
LEFT = "已放弃填写，内容未保存。请再次点击您需要的菜单。"
RESUMED = "好的，请继续填写。"
IDLE_ENDED = "您超过{idle}没有继续填写，本次【{title}】已自动结束，填写的内容未保存。如需办理，请重新点击菜单。"

YES_WORDS = {"是", "是的", "好", "好的", "确定", "放弃", "1", "y", "yes"}
NO_WORDS = {"否", "不", "不是", "不要", "继续", "继续填写", "2", "n", "no"}
DONE_WORDS = {"完成", "好了", "没有了", "没了", "发完了", "完毕", "ok"}
SKIP_WORDS = {"跳过", "没有", "无", "不涉及", "不用", "略过"}
CONFIRM_WORDS = {"确认", "确定", "提交", "确认提交", "1", "是"}
EDIT_WORDS = {"修改", "更改", "改", "2"}
CONTINUE_WORDS = {"继续", "提交", "继续提交", "提交咨询"}
OTHER_WORDS = {"其他", "其它", "都不是", "不确定", "不知道"}
CONFIDENTIAL_YES = {"1", "是", "需要", "保密", "需要保密", "要"}
CONFIDENTIAL_NO = {"2", "否", "不", "不需要", "不用", "不保密", "不要"}

# --- 我的工单 -----------------------------------------------------------------------------------
MY_TICKETS_HEAD = "您的工单（共{total}件，最新的{shown}件）："
MY_TICKET_LINE = "{number}. {ticket_number}\n   {title}\n   状态：{status} · 办理时限：{deadline:%m月%d日}"
MY_TICKETS_TAIL = "回复工单编号查看办理记录。全部工单：{url}"
NO_TICKETS = "您还没有提交过工单。点击菜单“微受理”可以反映问题。"
TICKET_DETAIL = ("工单 {number}\n{title}\n类型：{type} · 分类：{category}\n状态：{status}\n"
                 "受理时间：{received:%Y-%m-%d %H:%M}\n办理时限：{deadline:%Y年%m月%d日}\n\n办理记录：\n{history}\n\n"
                 "详情：{url}")
HISTORY_LINE = "· {at:%m-%d %H:%M} {status}"
TICKET_NOT_FOUND = "没有找到工单 {number}。请核对编号；这里只能查询您本人提交的工单。"

# --- 评价 (回访 in chat) ---------------------------------------------------------------------------
RATE_TITLE = "评价"
RATE_NONE = "您目前没有待评价的工单。工单办结后，可以点击菜单“我的”→“评价办理”评价办理结果。"
RATE_PICK = "您有{count}件工单待评价，请回复序号选择：\n{lines}"
RATE_PICK_LINE = "{number}. {ticket_number} {title}"
RATE_PICK_HINT = "请回复工单前的序号（1–{last}）。"
RATE_NOT_WAITING = "工单 {number} 现在不能评价（没有找到、尚未办结或已经评价过）。"
ASK_SOLVED = "工单 {number}（{title}）已办结。\n您的问题解决了吗？（回复序号）\n{lines}"
SOLVED_HINT = "请回复序号：1 已解决，2 部分解决，3 未解决。"
ASK_SATISFACTION = "您对办理结果满意吗？（回复序号）\n{lines}"
SATISFACTION_HINT = "请回复序号1–5（1 非常满意 … 5 非常不满意）。"
ASK_COMMENT = "还有什么想对我们说的吗？直接回复意见（{maximum}字以内）；没有请回复“跳过”。"
COMMENT_LONG = "意见最多{maximum}字（现在{count}字），请精简后重新发送，或回复“跳过”。"
RATED = "感谢您的评价！您的意见会转给承办单位，帮助我们改进工作。"
ASK_REOPEN = "很抱歉没能让您满意。需要为工单 {number} 申请重办吗？\n1. 申请重办（重新交办理单位处理）\n2. 不用了"
REOPEN_HINT = "请回复“1”申请重办，或“2”不用了。"
REOPENED = "已为您申请重办，工单 {number} 回到12345热线重新交办，办理进展会通知您。"
NOT_REOPENED = "好的，感谢您的评价。如有需要，可以重新提交诉求或拨打12345热线。"
RATE_WORDS = {"评价", "我要评价", "评价办理", "回访"}
