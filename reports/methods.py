"""What the appendix says about the models: versions and measured figures, from the database.

The analysis stage records each shipped model's version and measured figures in the
``models`` table; a model with no figures is reported as "未测量", never assumed.
"""

from sqlalchemy import Engine, select

from lendwatch import schema


def model_quality(engine: Engine) -> dict:
    """``{"rows": [(name, version, figures text, measured on)]}`` for the appendix."""
    t = schema.models
    with engine.connect() as conn:
        found = conn.execute(select(t).order_by(t.c.name)).all()
    rows = []
    for model in found:
        figures = "；".join(f"{k} {v}" for k, v in model.metrics.items()
                           if isinstance(v, (int, float))) or "未测量"
        rows.append((model.name, model.version, figures, model.measured_on or ""))
    return {"rows": rows}
