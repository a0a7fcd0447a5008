from django.db import models


class PasswordResetRequest(models.Model):
    """One request for a password reset mail, kept for as long as it counts
    toward the limits (accounts/resets.py)."""

    email = models.CharField(max_length=254)
    client_ip = models.CharField(max_length=45, blank=True)
    requested = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["email", "requested"]),
            models.Index(fields=["client_ip", "requested"]),
        ]

    def __str__(self):
        return f"{self.email} from {self.client_ip} at {self.requested}"
