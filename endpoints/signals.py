"""Drop cached endpoint configurations whenever what they are built from changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from endpoints import config
from endpoints.models import Endpoint, EndpointToken
from hub.auth.secrets import revoked_in_bulk
from hub.models import OdooConnection
from mappings.models import MappingLine


@receiver(post_save, sender=Endpoint)
@receiver(post_delete, sender=Endpoint)
@receiver(post_save, sender=MappingLine)
@receiver(post_delete, sender=MappingLine)
@receiver(post_save, sender=EndpointToken)
@receiver(post_delete, sender=EndpointToken)
@receiver(revoked_in_bulk, sender=EndpointToken)
@receiver(post_save, sender=OdooConnection)
@receiver(post_delete, sender=OdooConnection)
def configuration_changed(sender, **kwargs) -> None:
    """A configuration, one of its lines, tokens or its connection was saved, deleted or revoked."""
    config.invalidate()
