import { ExtensionCard } from "src/features/settings/ExtensionCard";
import { PasswordForm } from "src/features/settings/PasswordForm";
import { ProfileForm } from "src/features/settings/ProfileForm";
import { SessionList } from "src/features/settings/SessionList";

export default function SettingsPage() {
  return (
    <>
      <h1>Settings</h1>
      <div className="grid-2">
        <ProfileForm />
        <PasswordForm />
      </div>
      <ExtensionCard />
      <SessionList />
    </>
  );
}
