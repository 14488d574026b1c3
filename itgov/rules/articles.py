"""The articles of the measures, as data: number → Chinese citation and a short English title."""

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 20 → 二十, 28 → 二十八 (1–99)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def cite(n: int) -> str:
    """13 → 第十三条"""
    return f"第{chinese_numeral(n)}条"


ARTICLE_TITLES: dict[int, str] = {
    2: "适用范围", 4: "职责分工", 5: "涉密项目", 6: "发展规划", 7: "项目储备库", 8: "年度投资计划",
    9: "ABC分类管理", 10: "计划调整", 11: "预算和绩效目标", 12: "运行维护经费", 13: "单独立项审批",
    14: "立项申请材料", 15: "立项批复", 16: "跨部门项目", 17: "项目代码", 18: "集约建设", 19: "建设实施与监理",
    20: "项目变更", 21: "整改与暂停", 22: "竣工验收", 23: "验收不合格", 24: "运维与绩效自评价", 25: "监督配合",
    27: "数据归集", 28: "数据共享前置", 29: "数据资源目录", 30: "安全保护", 31: "施行日期",
}
