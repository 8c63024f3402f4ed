"""The page shown instead of the work while nobody may see patient data: the sign-in screen
(signed out) and the lock screen (idle, same clinician signs in again)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from outpost.core.session import AccessState, Identity
from outpost.ui.access_controller import AccessController
from outpost.ui.sign_in_widget import SignInWidget


class AccessPageWidget(QWidget):
    """Says why the work is hidden and offers the sign-in form; holds no patient data."""

    def __init__(
        self, access: AccessController, sign_in: SignInWidget, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("accessPage")
        self.setAccessibleName(self.tr("Sign in"))
        self._access = access
        self.sign_in = sign_in
        self.title = QLabel()
        self.title.setObjectName("accessTitle")
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.6)
        self.title.setFont(font)
        self.explanation = QLabel()
        self.explanation.setObjectName("accessExplanation")
        self.explanation.setWordWrap(True)
        self.kept = QLabel()
        self.kept.setObjectName("keptChanges")
        self.kept.setWordWrap(True)
        self.kept.setVisible(False)
        self.sign_out_button = QPushButton(self.tr("Sign &out instead"))
        self.sign_out_button.setObjectName("lockSignOutButton")
        self.sign_out_button.setAccessibleName(self.tr("Sign out instead"))
        self.sign_out_button.setToolTip(
            self.tr("For another clinician: unsent changes stay on this computer")
        )
        self.sign_out_button.clicked.connect(access.sign_out)

        card = QFrame()
        card.setObjectName("accessCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setFixedWidth(500)  # a fixed width lets the wrapped text take its real height
        column = QVBoxLayout(card)
        column.setContentsMargins(24, 24, 24, 24)
        column.setSpacing(12)
        column.addWidget(self.title)
        column.addWidget(self.explanation)
        column.addWidget(self.kept)
        column.addWidget(sign_in)
        column.addWidget(self.sign_out_button, 0, Qt.AlignmentFlag.AlignLeft)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        access.sig_signed_out.connect(self._on_access_signed_out)
        sign_in.sig_signed_in.connect(self._on_sign_in_signed_in)

    def show_state(self, state: AccessState) -> None:
        """Word the page for `state` and (re)start the sign-in form."""
        identity = self._access.identity
        self.sign_out_button.setVisible(state is AccessState.LOCKED)
        self.sign_in.setVisible(state in (AccessState.LOCKED, AccessState.SIGNED_OUT))
        if state is AccessState.CHECKING:
            self._set(self.tr("Opening Outpost…"), "")
            return
        if state is AccessState.LOCKED:
            self._clear_kept()
            self._set(self.tr("Outpost is locked"), self._locked_text(identity))
            self.sign_in.start(identity)
            return
        self._set(
            self.tr("Sign in to Outpost"),
            self.tr(
                "Sign in to see today's schedule and write notes. Your notes are kept "
                "encrypted on this computer and sent to the clinic server when it can be "
                "reached."
            ),
        )
        self.sign_in.start(None)

    def focus_first(self) -> None:
        self.sign_in.focus_first()

    def _locked_text(self, identity: Identity | None) -> str:
        minutes = self._access.idle_lock_minutes
        who = identity.label if identity is not None else self.tr("the same clinician")
        return self.tr(
            "Patient information is hidden. Outpost locks after {minutes} minutes without "
            "use. Sign in again as {who} to carry on where you were: your draft is saved "
            "on this computer."
        ).format(minutes=minutes, who=who)

    def _set(self, title: str, text: str) -> None:
        self.title.setText(title)
        self.title.setAccessibleName(title)
        self.explanation.setText(text)
        self.explanation.setVisible(bool(text))

    def _on_access_signed_out(self, kept: int) -> None:
        if kept < 0:
            text = self.tr("Your unsent changes are kept on this computer.")
        elif kept == 0:
            text = self.tr("Signed out. Nothing was waiting to be sent.")
        elif kept == 1:
            text = self.tr(
                "Signed out. 1 change is kept on this computer and will be sent after you "
                "sign in again."
            )
        else:
            text = self.tr(
                "Signed out. {count} changes are kept on this computer and will be sent "
                "after you sign in again."
            ).format(count=kept)
        self.kept.setText(text)
        self.kept.setAccessibleName(text)
        self.kept.setVisible(True)

    def _clear_kept(self) -> None:
        self.kept.clear()
        self.kept.setVisible(False)

    def _on_sign_in_signed_in(self, identity: Identity) -> None:
        self._clear_kept()
        self._access.signed_in(identity)
