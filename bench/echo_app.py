"""The ceiling for bench/webhook: a trivial safe-mode echo webhook on the same stack
(Flask + wechatpy signature check, decrypt, parse_message, render, encrypt), nothing else."""
import os

from flask import Flask, request
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import check_signature

TOKEN = os.environ["BENCH_TOKEN"]
crypto = WeChatCrypto(TOKEN, os.environ["BENCH_AES_KEY"], os.environ["BENCH_APP_ID"])
app = Flask(__name__)


@app.post("/wechat")
def echo():
    args = request.args
    check_signature(TOKEN, args["signature"], args["timestamp"], args["nonce"])
    xml = crypto.decrypt_message(request.get_data(), args["msg_signature"], args["timestamp"], args["nonce"])
    message = parse_message(xml)
    return crypto.encrypt_message(create_reply(message.content, message).render(), args["nonce"], args["timestamp"])
