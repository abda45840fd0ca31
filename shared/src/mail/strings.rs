//! The words of Portico's emails, per language. Templates take them from here, so the
//! layout is written once and checked at compile time.

use crate::domain::text::Locale;

pub struct Strings {
    pub invite_subject: &'static str,
    pub admin_subject: &'static str,
    pub greeting: &'static str,
    pub invite_intro: &'static str,
    pub admin_intro: &'static str,
    pub message_label: &'static str,
    pub portal_label: &'static str,
    pub username_label: &'static str,
    pub password_label: &'static str,
    pub first_sign_in: &'static str,
    pub button: &'static str,
    pub footer: &'static str,
    pub hello: &'static str,
    pub code_subject: &'static str,
    pub code_intro: &'static str,
    pub code_label: &'static str,
    pub code_footer: &'static str,
}

const EN: Strings = Strings {
    invite_subject: "Your access to the {portal} portal",
    admin_subject: "Your {portal} portal is ready",
    greeting: "Welcome",
    invite_intro: "You have been given access to the customer portal, where you can follow your sites and the work we do for you.",
    admin_intro: "Your company's customer portal has been created and you are its administrator. Complete the portal set-up before you invite your customers.",
    message_label: "A message from the team",
    portal_label: "Portal",
    username_label: "Sign in with",
    password_label: "Temporary password",
    first_sign_in: "On your first sign-in you will be asked to choose your own password. The temporary password expires after 7 days.",
    button: "Open the portal",
    footer: "You receive this email because an administrator invited you. If you did not expect it, you can ignore it.",
    hello: "Hello",
    code_subject: "Your {portal} verification code",
    code_intro: "Use this code to choose a new password for the customer portal.",
    code_label: "Code",
    code_footer: "If you did not ask for this, you can ignore this email: your password stays as it is.",
};

const NL: Strings = Strings {
    invite_subject: "Uw toegang tot het {portal}-portaal",
    admin_subject: "Uw {portal}-portaal is klaar",
    greeting: "Welkom",
    invite_intro: "U heeft toegang gekregen tot het klantportaal, waar u uw locaties en het werk dat wij voor u doen kunt volgen.",
    admin_intro: "Het klantportaal van uw bedrijf is aangemaakt en u bent de beheerder. Voltooi de inrichting van het portaal voordat u uw klanten uitnodigt.",
    message_label: "Een bericht van het team",
    portal_label: "Portaal",
    username_label: "Inloggen met",
    password_label: "Tijdelijk wachtwoord",
    first_sign_in: "Bij de eerste keer inloggen kiest u een eigen wachtwoord. Het tijdelijke wachtwoord verloopt na 7 dagen.",
    button: "Open het portaal",
    footer: "U ontvangt deze e-mail omdat een beheerder u heeft uitgenodigd. Verwachtte u deze niet, dan kunt u hem negeren.",
    hello: "Hallo",
    code_subject: "Uw verificatiecode voor {portal}",
    code_intro: "Gebruik deze code om een nieuw wachtwoord voor het klantportaal te kiezen.",
    code_label: "Code",
    code_footer: "Heeft u hier niet om gevraagd, dan kunt u deze e-mail negeren: uw wachtwoord blijft ongewijzigd.",
};

impl Strings {
    pub fn of(locale: Locale) -> &'static Strings {
        match locale {
            Locale::En => &EN,
            Locale::Nl => &NL,
        }
    }
}
