"""Drop cached configurations (endpoints, the generic routes' settings) whenever what they are built from
changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from endpoints import config
from endpoints.generic.models import GenericRouteSettings
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
@receiver(post_save, sender=GenericRouteSettings)
@receiver(post_delete, sender=GenericRouteSettings)
def configuration_changed(sender, **kwargs) -> None:
    """A configuration, its lines, tokens or connection, or the generic routes' settings changed."""
    config.invalidate()
