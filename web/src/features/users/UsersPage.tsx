import { useAdminUpdateUser, useMe, useUsers } from "src/api/users";
import { ErrorMessage } from "src/common/ErrorMessage";
import { formatBytes, formatDate } from "src/common/format";
import { Loading } from "src/common/Loading";
import { AddUserForm } from "src/features/users/AddUserForm";
import { PasswordReset } from "src/features/users/PasswordReset";
import { QuotaEditor } from "src/features/users/QuotaEditor";

export default function UsersPage() {
  const users = useUsers();
  const me = useMe();
  const update = useAdminUpdateUser();
  if (users.isPending) return <Loading label="Loading users…" />;
  if (users.isError) return <ErrorMessage error={users.error} />;
  const rows = users.data.pages.flatMap((page) => page.items);

  return (
    <>
      <h1>Users</h1>
      <AddUserForm />
      <ErrorMessage error={update.error} />
      <div className="table-wrap card">
        <table>
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              <th>Active</th>
              <th>Jobs/day</th>
              <th>Storage</th>
              <th>Last sign-in</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((user) => {
              const self = user.id === me.data?.id;
              return (
                <tr key={user.id}>
                  <td>
                    {user.email}
                    {user.username && <small className="muted"> @{user.username}</small>}
                  </td>
                  <td>
                    <select
                      aria-label={`Role of ${user.email}`}
                      value={user.role}
                      disabled={self}
                      onChange={(e) =>
                        update.mutate({ id: user.id, role: e.target.value as "admin" | "user" })
                      }
                    >
                      <option value="user">user</option>
                      <option value="admin">admin</option>
                    </select>
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${user.email} active`}
                      checked={user.is_active}
                      disabled={self}
                      onChange={(e) => update.mutate({ id: user.id, is_active: e.target.checked })}
                    />
                  </td>
                  <td>{user.max_jobs_per_day}</td>
                  <td>{formatBytes(user.max_storage_bytes)}</td>
                  <td>{formatDate(user.last_login_at)}</td>
                  <td>
                    <QuotaEditor user={user} />
                    <PasswordReset user={user} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {users.hasNextPage && (
        <button type="button" onClick={() => users.fetchNextPage()} disabled={users.isFetchingNextPage}>
          More
        </button>
      )}
    </>
  );
}
