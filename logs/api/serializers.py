"""How a log row looks over the API."""

from rest_framework import serializers

from logs.models import RequestLog

SUMMARY_FIELDS = [
    "id",
    "request_id",
    "created_at",
    "endpoint",
    "endpoint_id",
    "route_kind",
    "method",
    "path",
    "query_string",
    "client_ip",
    "principal",
    "status",
    "outcome",
    "duration_ms",
    "rpc_count",
    "rpc_ms",
    "error",
    "error_class",
    "line_id",
    "replay_of",
]


class RequestLogSerializer(serializers.ModelSerializer):
    """One call, without headers and bodies (the list)."""

    endpoint = serializers.CharField(source="endpoint_slug", read_only=True)

    class Meta:
        model = RequestLog
        fields = SUMMARY_FIELDS
        read_only_fields = SUMMARY_FIELDS


class RequestLogDetailSerializer(RequestLogSerializer):
    """One call with its (masked, cut) headers and bodies."""

    class Meta(RequestLogSerializer.Meta):
        fields = [
            *SUMMARY_FIELDS,
            "request_headers",
            "request_body",
            "request_body_size",
            "request_body_truncated",
            "request_masked",
            "response_body",
            "response_body_size",
            "response_body_truncated",
        ]
        read_only_fields = fields


class ErrorEnvelopeSerializer(serializers.Serializer):
    """A refused call, in the hub's REST envelope (hub.envelope)."""

    status = serializers.ChoiceField(choices=["error"])
    code = serializers.IntegerField(help_text="The HTTP status")
    message = serializers.CharField()
    line_id = serializers.IntegerField(allow_null=True)
    request_id = serializers.CharField(allow_null=True)
