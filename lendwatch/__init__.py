"""lendwatch: a monitor of Chinese news and policy on online-lending debt collection (网贷催收)."""

__version__ = "0.1.0"
