"""The sign-in form: the system browser first; the password form only where the server
offers the password grant. Shown on the sign-in and lock screens. On the lock screen with
the server out of reach, the password form checks the password kept on this computer
(offline unlock) where a password sign-in left one, else it says the server is needed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outpost.core.session import Identity, SignInOptions
from outpost.ui.sign_in_controller import SignInController
from outpost.ui.sign_in_offline import offline_note, server_needed
from outpost.ui.theme import error_style


class SignInWidget(QWidget):
    """Asks the controller for the server's options, then offers what the server allows."""

    sig_signed_in = Signal(object)  # Identity

    def __init__(self, controller: SignInController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._same: Identity | None = None
        self._server = QLabel(self.tr("Server: {url}").format(url=controller.server_url))
        self._server.setObjectName("signInServer")
        self._server.setWordWrap(True)

        self.browser_button = self._button(
            self.tr("Sign in with your &browser"), "browserSignInButton"
        )
        self.browser_button.setToolTip(
            self.tr("Opens the clinic's sign-in page in your web browser")
        )
        self.browser_button.clicked.connect(self._on_browser_clicked)

        self.password_box = QGroupBox(self.tr("Or sign in here"))
        self.password_box.setObjectName("passwordSignIn")
        self.user = QLineEdit()
        self.user.setObjectName("signInUser")
        self.user.setAccessibleName(self.tr("User name"))
        self.password = QLineEdit()
        self.password.setObjectName("signInPassword")
        self.password.setAccessibleName(self.tr("Password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self._on_password_submitted)
        self.password_button = self._button(self.tr("&Sign in"), "passwordSignInButton")
        self.password_button.clicked.connect(self._on_password_submitted)
        form = QFormLayout(self.password_box)
        form.addRow(self.tr("&User name"), self.user)
        form.addRow(self.tr("&Password"), self.password)
        form.addRow("", self.password_button)

        self.waiting = QWidget()
        self.waiting.setObjectName("browserWaiting")
        waiting_text = QLabel(
            self.tr(
                "Finish signing in in your web browser, then come back here. "
                "If no browser opened, copy this address into one:"
            )
        )
        waiting_text.setWordWrap(True)
        self.address = QLineEdit()
        self.address.setObjectName("signInAddress")
        self.address.setAccessibleName(self.tr("Sign-in address"))
        self.address.setReadOnly(True)
        copy = self._button(self.tr("&Copy address"), "copyAddressButton")
        copy.clicked.connect(self._on_copy_clicked)
        cancel = self._button(self.tr("Cancel"), "cancelBrowserButton")
        cancel.clicked.connect(self._on_cancel_clicked)
        row = QHBoxLayout()
        row.addWidget(self.address, 1)
        row.addWidget(copy)
        row.addWidget(cancel)
        waiting_column = QVBoxLayout(self.waiting)
        waiting_column.setContentsMargins(0, 0, 0, 0)
        waiting_column.addWidget(waiting_text)
        waiting_column.addLayout(row)

        self.offline_note = QLabel()
        self.offline_note.setObjectName("offlineUnlockNote")
        self.offline_note.setWordWrap(True)

        self.message = QLabel()
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.retry_button = self._button(self.tr("&Try again"), "retrySignInButton")
        self.retry_button.clicked.connect(self.start_over)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self._server)
        column.addWidget(self.offline_note)
        column.addWidget(self.browser_button)
        column.addWidget(self.password_box)
        column.addWidget(self.waiting)
        column.addWidget(self.message)
        column.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignLeft)
        controller.sig_options_loaded.connect(self._on_controller_options_loaded)
        controller.sig_browser_waiting.connect(self._on_controller_browser_waiting)
        controller.sig_signed_in.connect(self._on_controller_signed_in)
        controller.sig_failed.connect(self._on_controller_failed)
        controller.sig_busy_changed.connect(self._on_controller_busy_changed)
        controller.sig_offline_unlock.connect(self._on_controller_offline_unlock)
        self._show_choices(None)

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        return button

    # --- public API ------------------------------------------------------------------

    def start(self, same_person_as: Identity | None) -> None:
        """Begin (again): ask the server how to sign in. With `same_person_as` (unlocking),
        only that clinician may sign in and the user name is filled in."""
        self._same = same_person_as
        self.user.setText((same_person_as.user or "") if same_person_as else "")
        self.user.setReadOnly(bool(same_person_as and same_person_as.user))
        self.password.clear()
        self.start_over()

    def start_over(self) -> None:
        self._controller.cancel()
        self._show_message("")
        self._show_choices(None)
        self._show_message(self.tr("Checking how this server signs you in…"))
        self._controller.load_options(self._same)

    def focus_first(self) -> None:
        target = self.browser_button if self.browser_button.isVisible() else self.user
        if self.password_box.isVisible() and self.user.isReadOnly():
            target = self.password
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- slots -----------------------------------------------------------------------

    def _show_choices(self, options: SignInOptions | None) -> None:
        self.browser_button.setVisible(bool(options and options.browser))
        self.password_box.setVisible(bool(options and options.password))
        self.password_box.setTitle(self.tr("Or sign in here"))
        self.waiting.setVisible(False)
        self.retry_button.setVisible(False)
        self.offline_note.setVisible(False)

    def _show_offline_unlock(self) -> None:
        """The password form alone, checked on this computer; "Try again" asks the server."""
        self._show_choices(None)
        self.password_box.setTitle(self.tr("Unlock on this computer"))
        self.password_box.setVisible(True)
        self.retry_button.setVisible(True)
        note = offline_note()
        self.offline_note.setText(note)
        self.offline_note.setAccessibleName(note)
        self.offline_note.setVisible(True)

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(error_style(self.message.palette()) if error else "")
        self.message.setAccessibleDescription(text)

    def _on_controller_options_loaded(self, options: SignInOptions) -> None:
        self._show_choices(options)
        if not options.browser and not options.password:
            self._show_message(
                self.tr("This server offers no way of signing in that Outpost knows."), error=True
            )
            self.retry_button.setVisible(True)
            return
        self._show_message("")
        self.focus_first()

    def _on_browser_clicked(self) -> None:
        self._show_message(self.tr("Opening your browser…"))
        self._controller.with_browser(self._same)

    def _on_password_submitted(self) -> None:
        user, password = self.user.text().strip(), self.password.text()
        if not user or not password:
            self._show_message(self.tr("Type your user name and password."), error=True)
            return
        if self._controller.offline and self._same is not None:
            self._show_message(self.tr("Checking your password on this computer…"))
            self._controller.unlock_offline(user, password, self._same)
            return
        self._show_message(self.tr("Signing in…"))
        self._controller.with_password(user, password, self._same)

    def _on_controller_offline_unlock(self, available: bool) -> None:
        self.password.clear()
        if available:
            self._show_offline_unlock()
            self._show_message("")
            self.focus_first()
            return
        self._show_choices(None)
        self.retry_button.setVisible(True)
        self._show_message(server_needed(), error=True)

    def _on_controller_browser_waiting(self, url: str) -> None:
        self.address.setText(url)
        self.browser_button.setVisible(False)
        self.password_box.setVisible(False)
        self.waiting.setVisible(True)
        self._show_message("")

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.address.text())
        self._show_message(self.tr("Address copied."))

    def _on_cancel_clicked(self) -> None:
        self._controller.cancel()
        self._show_choices(self._controller.options)
        self._show_message(self.tr("Signing in was cancelled."))

    def _on_controller_signed_in(self, identity: Identity) -> None:
        self.password.clear()
        self.address.clear()
        self._show_message("")
        self.sig_signed_in.emit(identity)

    def _on_controller_failed(self, words: str) -> None:
        self.password.clear()
        if self._controller.offline:
            self._show_offline_unlock()
            self._show_message(words, error=True)
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        options = self._controller.options
        self._show_choices(options)
        self.retry_button.setVisible(options is None)
        self._show_message(words, error=True)

    def _on_controller_busy_changed(self, busy: bool) -> None:
        self.browser_button.setEnabled(not busy)
        self.password_button.setEnabled(not busy)
