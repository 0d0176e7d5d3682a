"""The official test vectors (../shared/design/WECHAT.md), byte for byte."""
import pytest

from wechat import crypto
from wechat.crypto import DecryptFailed, Envelope, InvalidSignature, check_signature, sign

KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
PY_ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9"
    "FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3y"
    "t+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v"
    "6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
)
JAVA_CIPHERTEXT = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="


def test_plain_signature_vector():
    assert sign("AAAAA", "1714037059", "486452656") == "899cf89e464efb63f54ddac96b0a0a235f53aa78"
    check_signature("899cf89e464efb63f54ddac96b0a0a235f53aa78", "AAAAA", "1714037059", "486452656")
    with pytest.raises(InvalidSignature):
        check_signature("899cf89e464efb63f54ddac96b0a0a235f53aa79", "AAAAA", "1714037059", "486452656")
    with pytest.raises(InvalidSignature):
        check_signature(None, "AAAAA", "1714037059", "486452656")


def test_python_sample_decrypts():
    envelope = Envelope("spamtest", "wx2c2769f8efd9abc2", [KEY])
    xml, key_index = envelope.open(PY_ENCRYPT, "5d197aaffba7e9b25a30732f161a50dee96bd5fa", "1409735669",
                                   "1320562132")
    assert key_index == 0
    assert "<Content><![CDATA[abcdteT]]></Content>" in xml
    assert "<MsgId>6054768590064713728</MsgId>" in xml


def test_python_sample_with_wrong_msg_signature_is_refused():
    envelope = Envelope("spamtest", "wx2c2769f8efd9abc2", [KEY])
    with pytest.raises(InvalidSignature):
        envelope.open(PY_ENCRYPT, "0" * 40, "1409735669", "1320562132")


def test_java_sample_encrypts_byte_exact(monkeypatch):
    monkeypatch.setattr(crypto._Cipher, "get_random_string", lambda self: "aaaabbbbccccdddd")
    envelope = Envelope("pamtest", "wxb11529c136998cb6", [KEY])
    assert envelope.ciphers[0].encrypt("我是中文abcd123", "wxb11529c136998cb6").decode() == JAVA_CIPHERTEXT
    assert envelope.ciphers[0].decrypt(JAVA_CIPHERTEXT, "wxb11529c136998cb6") == "我是中文abcd123"


def test_another_app_id_is_refused():
    envelope = Envelope("spamtest", "wx0000000000000000", [KEY])
    with pytest.raises(DecryptFailed):
        envelope.open(PY_ENCRYPT, "5d197aaffba7e9b25a30732f161a50dee96bd5fa", "1409735669", "1320562132")


def test_previous_key_is_tried_after_the_current_one():
    new_key = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut"
    envelope = Envelope("spamtest", "wx2c2769f8efd9abc2", [new_key, KEY])
    xml, key_index = envelope.open(PY_ENCRYPT, "5d197aaffba7e9b25a30732f161a50dee96bd5fa", "1409735669",
                                   "1320562132")
    assert key_index == 1 and "abcdteT" in xml
    with pytest.raises(DecryptFailed):
        Envelope("spamtest", "wx2c2769f8efd9abc2", [new_key]).open(
            PY_ENCRYPT, "5d197aaffba7e9b25a30732f161a50dee96bd5fa", "1409735669", "1320562132")


def test_sealed_reply_opens_with_the_same_key_and_random_prefixes_differ():
    envelope = Envelope("t", "wxapp", [KEY])
    sealed = [envelope.seal("<xml>回复</xml>", 0, "123", "1700000000") for _ in range(2)]
    assert sealed[0] != sealed[1]
    for reply in sealed:
        encrypted = reply.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
        signature = reply.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
        assert envelope.open(encrypted, signature, "1700000000", "123") == ("<xml>回复</xml>", 0)
