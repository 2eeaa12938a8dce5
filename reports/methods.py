"""What the appendix says about the models: versions and measured figures, from the database, in Chinese.

The analysis stage records each shipped model's version and measured figures in the ``models``
table; a model with no figures is reported as "未测量", never assumed. Figure names are put into
Chinese phrase by phrase (``PHRASES``); where they were measured is the model's note for readers
(``measured_on`` in ``analysis/models/metrics.json``).
"""

import re

from sqlalchemy import Engine, select

from lendwatch import schema

MODEL_NAMES = {"sentiment": "情感模型", "topics": "相关性与话题模型"}
# Longest first: each English phrase of a figure's name and its Chinese wording.
PHRASES = (
    ("real-post holdout, high-confidence labels,", "真实帖子留出集（仅高置信标注）"),
    ("5-fold CV relevance F1, learned layer or text head", "五折交叉验证 相关性 F1"),
    ("negative-vs-not macro-F1", "负面与非负面 宏平均 F1"),
    ("3-class macro-F1", "三分类 宏平均 F1"),
    ("real-post holdout", "真实帖子留出集"),
    ("collection-side validation", "真实网贷文本验证集"),
    ("collection-side holdout", "真实网贷文本留出集"),
    ("own validation", "自建标注验证集"),
    ("sample articles", "样例站点文章"),
    ("bdci2019news", "公开新闻情感数据集（BDCI 2019）"),
    ("finnsp", "公开金融帖子数据集（FinNSP）"),
    ("bulletin set", "短讯测试集"),
    ("blind set", "盲测集"),
    ("5-fold CV", "五折交叉验证"),
    ("validation", "验证集"),
    ("holdout", "留出集"),
    ("relevance precision", "相关性 精确率"),
    ("relevance recall", "相关性 召回率"),
    ("relevance F1", "相关性 F1"),
    ("topics micro-F1", "话题 微平均 F1"),
    ("topics micro-precision", "话题 微平均精确率"),
    ("micro-F1", "微平均 F1"),
    ("macro-F1", "宏平均 F1"),
    ("ROC-AUC", "ROC 曲线下面积"),
)
HAN = re.compile(r"[\u4e00-\u9fff]")
MEASURED_ON = ("测量集均为人工标注、未用于训练的文本：公开数据集的留出部分、本项目自写并标注的盲测文本与样例站点文章"
               "（样例文章与盲测文本由本项目编写，与模型的训练文本风格相近，分数可能偏高）")  # for a note not in Chinese


def figure_name(key: str) -> str:
    """A measured figure's name in Chinese (ASCII left only for F1 and the datasets' names)."""
    text = key
    for english, chinese in PHRASES:
        text = re.sub(re.escape(english), chinese, text, flags=re.IGNORECASE)
    return " ".join(text.replace(",", " ").split())


def model_quality(engine: Engine) -> list[tuple[str, str, str, str]]:
    """``[(name, version, figures text, where measured)]`` for the appendix; where a model's stored note
    is not in Chinese (an older release wrote file names there), a general statement instead."""
    t = schema.models
    with engine.connect() as conn:
        found = conn.execute(select(t).order_by(t.c.name)).all()
    rows = []
    for model in found:
        figures = "；".join(f"{figure_name(k)} {v}" for k, v in model.metrics.items()
                           if isinstance(v, (int, float))) or "未测量"
        measured_on = model.measured_on if HAN.search(model.measured_on or "") else MEASURED_ON
        rows.append((MODEL_NAMES.get(model.name, model.name), model.version, figures, measured_on))
    return rows
