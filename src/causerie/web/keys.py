"""Typed keys of the aiohttp application."""

from __future__ import annotations

from aiohttp import web

from causerie.app import Causerie

APP = web.AppKey("causerie", Causerie)
